# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
#
# Sidekiq's own bulk retry, timed: `Sidekiq::RetrySet.new.retry_all` (what the Web UI's "Retry All" runs).
#   ruby retry_all.rb redis://127.0.0.1:PORT/DB  → one JSON line {"elapsed_s", "retry_size_before", "enqueued_after"}
$stdout.sync = true
require 'sidekiq'
require 'sidekiq/api'
require 'json'

Sidekiq.configure_client { |c| c.redis = { url: ARGV.fetch(0) } }
Sidekiq.logger.level = Logger::WARN
before = Sidekiq::RetrySet.new.size
t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
Sidekiq::RetrySet.new.retry_all
elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0
puts JSON.generate('elapsed_s' => elapsed, 'retry_size_before' => before, 'enqueued_after' => Sidekiq::Stats.new.enqueued)

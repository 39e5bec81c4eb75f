# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
#
# The peer side of bench_search: how Sidekiq's own Ruby API finds a job in a queue — Sidekiq::Queue#each
# (LRANGE pages of 50, newest first) until a job's JSON contains the needle, as the Web UI's queue page or a
# console session would.
#   ruby sidekiq_find.rb redis://127.0.0.1:PORT/DB QUEUE NEEDLE
# Prints one JSON line: milliseconds, jobs looked at, round trips.
$stdout.sync = true
require 'sidekiq'
require 'sidekiq/api'
require 'json'

$round_trips = 0
Redis::Client.prepend(Module.new do
  def process(commands)
    $round_trips += 1
    super
  end
end)

Sidekiq.configure_client { |c| c.redis = { url: ARGV.fetch(0), size: 1 } }
Sidekiq.logger.level = Logger::WARN
queue, needle = ARGV.fetch(1), ARGV.fetch(2)
looked = 0
started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
found = Sidekiq::Queue.new(queue).find do |job|
  looked += 1
  job.value.include?(needle)
end
ms = (Process.clock_gettime(Process::CLOCK_MONOTONIC) - started) * 1000.0
puts JSON.generate(ms: ms, looked_at: looked, round_trips: $round_trips, found: !found.nil?)

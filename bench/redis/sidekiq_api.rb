# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
#
# The peer side of bench_redis: what Sidekiq's own Ruby API costs for the same picture Queuedeck polls —
# Sidekiq::Stats.new (+ its counters), every queue's latency, and the process set.
#   ruby sidekiq_api.rb redis://127.0.0.1:PORT/DB ITERATIONS
# Prints one JSON line: median and p95 milliseconds, round trips (Redis::Client#process calls: one per
# write-then-read, a pipeline counts once) and commands per snapshot.
$stdout.sync = true
require 'sidekiq'
require 'sidekiq/api'
require 'json'

$round_trips = 0
$commands = 0
Redis::Client.prepend(Module.new do
  def process(commands)
    $round_trips += 1
    $commands += commands.size
    super
  end
end)

Sidekiq.configure_client { |c| c.redis = { url: ARGV.fetch(0), size: 1 } }
Sidekiq.logger.level = Logger::WARN
iterations = Integer(ARGV.fetch(1, '20'))

snapshot = lambda do
  s = Sidekiq::Stats.new
  [s.processed, s.failed, s.enqueued, s.retry_size, s.scheduled_size, s.dead_size]
  Sidekiq::Queue.all.map(&:latency)
  Sidekiq::ProcessSet.new.to_a
end

snapshot.call # connect
info = -> { Sidekiq.redis { |c| c.info('stats') } }
info0 = info.call
times = []
rt0 = $round_trips
cmd0 = $commands
iterations.times do
  t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  snapshot.call
  times << (Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0) * 1000.0
end
info1 = info.call
bytes = ->(k) { (info1[k].to_i - info0[k].to_i).fdiv(iterations).round }
times.sort!
puts JSON.generate('median_ms' => times[times.size / 2], 'p95_ms' => times[(times.size * 0.95).floor.clamp(0, times.size - 1)],
                   'round_trips' => ($round_trips - rt0 - 1).fdiv(iterations), 'commands' => ($commands - cmd0 - 1).fdiv(iterations),
                   'bytes_to_server' => bytes.call('total_net_input_bytes'),
                   'bytes_from_server' => bytes.call('total_net_output_bytes'))

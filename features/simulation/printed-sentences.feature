# @simulator-only: schedules the simulator printed, replayed through its runner
@phase-8.6 @simulation @technical @simulator-only
Feature: Every sentence of a printed schedule replays
  The simulator prints a failing schedule as a scenario a person can paste into a feature file. These
  scenarios are printed by it and together use every sentence it can print, so any printed failure replays here.

  These scenarios are the printer's own output, kept byte for byte (src/sim/grammar.test.ts compares them with what
  it prints now): a printed schedule is a sequence of actions, so unlike the other examples they have many.

  Rule: Every sentence the simulator prints is a step of the suite, and replays what it says

    @seed-4242 @durable
    Scenario: Every sentence the printer has
      Given a cluster drawn by the simulator:
        | regions           | 2                      |
        | shards per region | 1                      |
        | acks              | leader                 |
        | partitions        | leader-only            |
        | latency           | 2 ms                   |
        | jitter            | 3 ms                   |
        | max clock drift   | 1000 ms                |
        | key retention     | 30000 ms               |
        | batch size        | 8 events               |
        | window            | 2 batches              |
        | storage           | durable                |
        | tenant acme       | home eu-west, shards 0 |
      And client s1 has a session in eu-west that waits up to 50 ms for stale replicas
      And client s2 has a session in us-east that redirects stale reads to the leader
      And client s3 of tenant acme has a session in eu-west that waits up to 50 ms for stale replicas
      And client s4 of tenant acme has a session in eu-west that redirects stale reads to the leader
      When the replica of shard 0 in us-east crashes in the middle of a write
      And 1 ms passes
      And a client tries to write a click of weight 1 to e-0
      And a client tries to write a click of weight 1 to e-0 with idempotency key "down-0"
      And a client tries to write a click of weight 1 to e-1 through eu-west
      And a client tries to write a click of weight 1 to e-1 through eu-west with idempotency key "down-1"
      And tenant acme tries to write a click of weight 1 to e-2
      And tenant acme tries to write a click of weight 1 to e-2 with idempotency key "down-2"
      And tenant acme tries to write a click of weight 1 to e-3 through eu-west
      And tenant acme tries to write a click of weight 1 to e-3 through eu-west with idempotency key "down-3"
      And 1 ms passes
      And client s1 tries to write a view of weight 2 to e-1 through its session
      And client s2 reads e-1 "view" through its session
      And 8 ms pass
      And the replica of shard 0 in us-east restarts
      And 10 ms pass
      And a client writes a click of weight 1 to e-0
      And a client writes a click of weight 1 to e-0 with idempotency key "up-0"
      And a client writes a click of weight 1 to e-1 through eu-west
      And a client writes a click of weight 1 to e-1 through eu-west with idempotency key "up-1"
      And tenant acme writes a click of weight 1 to e-2
      And tenant acme writes a click of weight 1 to e-2 with idempotency key "up-2"
      And tenant acme writes a click of weight 1 to e-3 through eu-west
      And tenant acme writes a click of weight 1 to e-3 through eu-west with idempotency key "up-3"
      And 1 ms passes
      And client s1 writes a view of weight 2 to e-1 through its session
      And client s3 reads e-1 "view" through its session
      And 1 ms passes
      And client s4 reads e-1 "view" through its session
      And 8 ms pass
      And the link between us-east and eu-west is cut
      And 10 ms pass
      And the link between us-east and eu-west heals
      And 5 ms pass
      And the link from eu-west to us-east is cut
      And 10 ms pass
      And the link from eu-west to us-east heals
      And 5 ms pass
      And the link from us-east to eu-west misbehaves:
        | drop rate | duplicate rate | reordering window | delay | jitter | corrupt rate |
        | 0.1       | 0.1            | 20 ms             | 5 ms  | 5 ms   | 0.05         |
      And 10 ms pass
      And the link from us-east to eu-west behaves again
      And 5 ms pass
      And every link misbehaves:
        | duplicate rate |
        | 0.3            |
      And 10 ms pass
      And every link behaves again
      And 5 ms pass
      And the clock of eu-west runs 300 ms ahead
      And the clock of us-east runs 200 ms behind and gains 5 ms every second
      And 10 ms pass
      And the clock of eu-west is corrected
      And the clock of us-east is corrected
      And 10 ms pass
      And the clock of eu-west runs 100 ms behind and loses 5 ms every second
      And the clock of us-east runs 100 ms ahead and loses 5 ms every second
      And 10 ms pass
      And the clock of eu-west is corrected
      And the clock of us-east is corrected
      And 1 ms passes
      And the clock of eu-west runs 150 ms behind
      And the clock of us-east runs 120 ms ahead and gains 3 ms every second
      And 5 ms pass
      And the clock of eu-west is corrected
      And the clock of us-east is corrected
      And 4 ms pass
      And the replica of shard 0 in eu-west crashes
      And 10 ms pass
      And the replica of shard 0 in eu-west restarts
      And 10 ms pass
      And shard 0 fails over to eu-west
      And 1 ms passes
      And a client writes a purchase of weight 5 to e-9
      And 49 ms pass
      And shard 0 fails over
      And 1 ms passes
      And a client tries to write a "clack" of weight 1 to e-0 through eu-west
      And the request is refused as bad input
      And 1 ms passes
      And a client tries to write a click of weight 1 to an entity id of 257 "x" characters through us-east
      And the request is refused as bad input
      And 1 ms passes
      And a client tries to write a click of weight 1 to e-0 through region "zz-nowhere"
      And the request is refused as bad input
      And 1 ms passes
      And a client tries to open a session in eu-west that waits up to -5 ms
      And the request is refused as bad input
      And 1 ms passes
      And a client tries to open a session in eu-west with the policy "sometimes"
      And the request is refused as bad input
      Then every promise holds once every fault has healed

    @seed-4243
    Scenario: A printed scenario switches a test-only bug on
      Given a cluster drawn by the simulator:
        | regions           | 2           |
        | shards per region | 1           |
        | acks              | leader      |
        | partitions        | leader-only |
        | latency           | 5 ms        |
        | jitter            | 0 ms        |
        | max clock drift   | 1000 ms     |
        | key retention     | 600000 ms   |
        | batch size        | 512 events  |
        | window            | 8 batches   |
        | storage           | ephemeral   |
      And the test-only bug "sessions-forgive-bad-options" is switched on
      When 5 ms pass
      And a client writes a click of weight 1 to e-1
      Then every promise holds once every fault has healed

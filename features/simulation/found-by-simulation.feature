@phase-8.6 @simulation
Feature: Failures the randomized simulation found stay fixed
  Each scenario is a failing seed the simulator shrank and printed, kept as it was printed (seed tag and all),
  so the sequence of writes and faults that once broke a promise is replayed on every run.

  @seed-30
  Scenario: A leader that two partitions cut off rejoins a failover without breaking its log
    Given a cluster of 3 regions with 4 shards each
    When 5 ms pass
    And a client writes a view of weight 0.5 to e-10
    And 5 ms pass
    And the link between us-east and eu-west is cut
    And the link between us-east and ap-south is cut
    And a client writes a click of weight -0.5 to e-1
    And 1 ms passes
    And the link between us-east and ap-south heals
    And 4 ms pass
    And the link between us-east and eu-west heals
    And 90 ms pass
    And shard 3 fails over to ap-south
    Then every promise holds once every fault has healed

  @seed-47
  Scenario: A leader deposed while it was cut off takes a new write locally, not at its old epoch
    Given regions cut off from the leader accept writes locally
    And a cluster of 3 regions with 4 shards each
    When shard 2 fails over
    And the link between us-east and eu-west is cut
    And shard 2 fails over
    And 1 ms passes
    And a client writes a click of weight -0.5 to e-3 through eu-west
    And 1 ms passes
    And the link between us-east and eu-west heals
    Then every promise holds once every fault has healed

  @seed-4
  Scenario: A failover after anti-entropy rounds neither loses a kept write nor counts one twice
    Given regions cut off from the leader accept writes locally
    And a cluster of 3 regions with 4 shards each
    And client s4 has a session in ap-south that waits up to 200 ms for stale replicas
    When 10 ms pass
    And the clock of us-east runs 3651 ms behind
    And 135 ms pass
    And client s4 writes a click of weight 1 to e-16 through its session
    And client s4 reads e-17 "view" through its session
    And a client writes a click of weight 1 to e-2
    And 5 ms pass
    And the clock of us-east is corrected
    And 105 ms pass
    And shard 1 fails over
    Then every promise holds once every fault has healed

  @seed-6
  Scenario: A keyed retry after a failover lost the first write counts once, even where regions accept local writes
    Given regions cut off from the leader accept writes locally
    And a cluster of 3 regions with 4 shards each
    When the replica of shard 3 in eu-west crashes
    And shard 3 fails over
    And tenant acme writes a click of weight 1.5 to e-7 with idempotency key "k-84"
    And 1 ms passes
    And the replica of shard 3 in ap-south crashes
    And 517 ms pass
    And the replica of shard 3 in eu-west restarts
    And 242 ms pass
    And shard 3 fails over to eu-west
    And tenant acme writes a click of weight 1.5 to e-7 with idempotency key "k-84"
    And 205 ms pass
    And the replica of shard 3 in ap-south restarts
    Then every promise holds once every fault has healed

  @seed-10
  Scenario: A retry of a write accepted locally is answered with the epoch of its first acknowledgement, after failovers
    Given a cluster drawn by the simulator:
      | regions           | 2            |
      | shards per region | 1            |
      | acks              | leader       |
      | partitions        | accept-local |
      | latency           | 1 ms         |
      | jitter            | 20 ms        |
      | max clock drift   | 250 ms       |
      | key retention     | 30000 ms     |
      | batch size        | 8 events     |
      | window            | 8 batches    |
      | storage           | ephemeral    |
    When shard 0 fails over
    And the link between eu-west and us-east is cut
    And a client writes a click of weight 3 to e-14 through us-east with idempotency key "k-29"
    And shard 0 fails over
    And a client writes a click of weight 1 to e-28 with idempotency key "k-47"
    And shard 0 fails over
    And shard 0 fails over
    And a client writes a click of weight 3 to e-14 with idempotency key "k-29"
    And 1 ms passes
    And the link between eu-west and us-east heals
    Then every promise holds once every fault has healed

  @seed-85 @durable
  Scenario: A session reads its own write after a failover, even where a deposed leader has applied as much of a lost branch
    Given a cluster drawn by the simulator:
      | regions           | 2                            |
      | shards per region | 4                            |
      | acks              | quorum                       |
      | partitions        | leader-only                  |
      | latency           | 1 ms                         |
      | jitter            | 1 ms                         |
      | max clock drift   | 5000 ms                      |
      | key retention     | 600000 ms                    |
      | batch size        | 512 events                   |
      | window            | 4 batches                    |
      | storage           | durable                      |
      | tenant acme       | home eu-west, shards 0 1     |
      | tenant globex     | home us-east, shards 0 1 2 3 |
    And client s3 has a session in us-east that waits up to 3000 ms for stale replicas
    When 6 ms pass
    And the link between eu-west and us-east is cut
    And a client writes a view of weight 1.5 to e-2
    And shard 1 fails over
    And 100 ms pass
    And the link between eu-west and us-east heals
    And 50 ms pass
    And the link from eu-west to us-east misbehaves:
      | drop rate | delay  | jitter |
      | 0.2       | 200 ms | 20 ms  |
    And 147 ms pass
    And the link from eu-west to us-east behaves again
    And client s3 writes a click of weight 0.5 to e-3 through its session
    And client s3 reads e-3 "click" through its session
    Then every promise holds once every fault has healed

@phase-8.6 @simulation
Feature: Failures the randomized simulation found stay fixed
  Each scenario is a failing seed the simulator shrank and printed, kept as it was printed (seed tag and all),
  so the sequence of writes and faults that once broke a promise is replayed on every run.

  @seed-30
  Scenario: A leader that two partitions cut off rejoins a failover without breaking its log
    Given a cluster of 3 regions with 4 shards each
    When the cluster runs for 5 ms
    And a client writes 0.5 "view" to e-10
    And the cluster runs for 5 ms
    And the link between us-east and eu-west is partitioned
    And the link between us-east and ap-south is partitioned
    And a client writes -0.5 "click" to e-1
    And the cluster runs for 1 ms
    And the partition between us-east and ap-south heals
    And the cluster runs for 4 ms
    And the partition between us-east and eu-west heals
    And the cluster runs for 90 ms
    And shard 3 fails over to ap-south
    Then every promise holds once every fault has healed

  @seed-47
  Scenario: A leader deposed while it was cut off takes a new write locally, not at its old epoch
    Given regions cut off from the leader accept writes locally
    And a cluster of 3 regions with 4 shards each
    When shard 2 fails over
    And the link between us-east and eu-west is partitioned
    And shard 2 fails over
    And the cluster runs for 1 ms
    And a client writes -0.5 "click" to e-3 through eu-west
    And the cluster runs for 1 ms
    And the partition between us-east and eu-west heals
    Then every promise holds once every fault has healed

  @seed-4
  Scenario: A failover after anti-entropy rounds neither loses a kept write nor counts one twice
    Given regions cut off from the leader accept writes locally
    And a cluster of 3 regions with 4 shards each
    And client s4 has a session in ap-south that waits up to 200 ms for stale replicas
    When the cluster runs for 10 ms
    And the clock of us-east runs 3651 ms behind
    And the cluster runs for 135 ms
    And client s4 writes 1 "click" to e-16 through its session
    And client s4 reads e-17 "view" through its session
    And a client writes 1 "click" to e-2
    And the cluster runs for 5 ms
    And the clock of us-east is corrected
    And the cluster runs for 105 ms
    And shard 1 fails over
    Then every promise holds once every fault has healed

  @seed-6
  Scenario: A keyed retry after a failover lost the first write counts once, even where regions accept local writes
    Given regions cut off from the leader accept writes locally
    And a cluster of 3 regions with 4 shards each
    When the replica of shard 3 in eu-west crashes
    And shard 3 fails over
    And tenant acme writes 1.5 "click" to e-7 with idempotency key "k-84"
    And the cluster runs for 1 ms
    And the replica of shard 3 in ap-south crashes
    And the cluster runs for 517 ms
    And the replica of shard 3 in eu-west restarts
    And the cluster runs for 242 ms
    And shard 3 fails over to eu-west
    And tenant acme writes 1.5 "click" to e-7 with idempotency key "k-84"
    And the cluster runs for 205 ms
    And the replica of shard 3 in ap-south restarts
    Then every promise holds once every fault has healed

  @seed-64
  Scenario: A retry of a write accepted locally is answered with the epoch of its first acknowledgement, after failovers
    Given a cluster drawn by the simulator:
      | regions           | 4                        |
      | shards per region | 3                        |
      | acks              | quorum                   |
      | partitions        | accept-local             |
      | latency           | 2 ms                     |
      | jitter            | 0 ms                     |
      | max clock drift   | 1000 ms                  |
      | key retention     | 600000 ms                |
      | batch size        | 512 events               |
      | window            | 8 batches                |
      | storage           | ephemeral                |
      | tenant acme       | home eu-west, shards 0   |
      | tenant globex     | home us-east, shards 1 2 |
    When the link between eu-west and us-east is partitioned
    And a client writes 1 "click" to e-26 through eu-west with idempotency key "k-11"
    And shard 1 fails over
    And a client writes -1 "click" to e-14 with idempotency key "k-102"
    And shard 1 fails over
    And shard 1 fails over
    And a client writes 1 "click" to e-26 with idempotency key "k-11"
    And the cluster runs for 1 ms
    And the partition between eu-west and us-east heals
    Then every promise holds once every fault has healed

  @seed-1264 @durable
  Scenario: A session reads its own write after a failover, even where a deposed leader has applied more of a lost branch
    Given a cluster drawn by the simulator:
      | regions           | 4           |
      | shards per region | 6           |
      | acks              | leader      |
      | partitions        | leader-only |
      | latency           | 20 ms       |
      | jitter            | 60 ms       |
      | max clock drift   | 1000 ms     |
      | key retention     | 30000 ms    |
      | batch size        | 2 events    |
      | window            | 32 batches  |
      | storage           | durable     |
    And client s1 has a session in eu-west that waits up to 1000 ms for stale replicas
    And client s2 has a session in ap-south that waits up to 200 ms for stale replicas
    When the cluster runs for 202 ms
    And tenant acme writes 1 "view" to e-3 with idempotency key "k-19"
    And the cluster runs for 3 ms
    And tenant globex writes 1 "click" to e-4 through us-west
    And the cluster runs for 9 ms
    And a client writes -1 "click" to e-6 through us-east
    And the cluster runs for 58 ms
    And a client writes -1 "view" to e-6
    And a client writes 5 "click" to e-8
    And the cluster runs for 10 ms
    And client s1 writes 1.5 "click" to e-6 through its session
    And the cluster runs for 8 ms
    And a client writes 1.5 "click" to e-7 through eu-west
    And the cluster runs for 8 ms
    And a client writes 1.5 "click" to e-4
    And the cluster runs for 11 ms
    And a client writes 2 "click" to e-8
    And the cluster runs for 150 ms
    And the clock of eu-west runs 4520 ms ahead
    And the cluster runs for 11 ms
    And client s1 writes 1 "view" to e-1 through its session
    And the cluster runs for 25 ms
    And the clock of eu-west is corrected
    And the cluster runs for 740 ms
    And a client writes -2 "view" to e-8
    And the cluster runs for 2 ms
    And shard 4 fails over to eu-west
    And the cluster runs for 198 ms
    And client s2 writes -0.5 "click" to e-0 through its session
    And tenant globex writes 2 "view" to e-1 through us-west with idempotency key "k-6"
    And a client writes 5 "click" to e-3 through us-west
    And the cluster runs for 9 ms
    And client s1 writes 1 "view" to e-1 through its session
    And the cluster runs for 8 ms
    And client s2 reads e-2 "view" through its session
    And the cluster runs for 10 ms
    And tenant globex writes 1 "view" to e-0 with idempotency key "k-84"
    And the cluster runs for 35 ms
    And shard 4 fails over
    And the cluster runs for 22 ms
    And client s1 writes 1 "click" to e-3 through its session
    And the cluster runs for 35 ms
    And client s1 reads e-3 "click" through its session
    Then every promise holds once every fault has healed

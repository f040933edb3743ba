# @simulator-only: runs the simulator itself, seed after seed
@phase-8.6
@simulation
@technical
@simulator-only
Feature: Randomized fault simulation keeps every promise across a block of seeds
  Hundreds of seeded runs, each on a cluster its seed draws (2 to 5 regions, 1 to 8 shards, either ack policy,
  either partition policy, its own latency, retention, batch sizes and storage) and each a random workload under
  a random storm of partitions, message faults, clock skew, crashes and failovers weighed as its seed draws them,
  end with every promise kept: nothing acknowledged lost or counted twice, every region converged.

  @convergence
  @partitions
  @failover
  @clocks
  @durability
  Rule: Every seed keeps every promise, under every kind of fault

    Example: Two hundred random runs under every kind of fault keep every promise
      When the simulator runs seeds 1 to 200 with 400 operations each
      Then all 200 seeds ran
      And no seed broke a promise
      And every kind of fault struck in at least one seed:
        | fault             | what it is                                                                      |
        | partition         | the link between two regions is cut both ways                                   |
        | one-way-partition | the link from one region to another is cut                                      |
        | network           | a link (or every link) drops, duplicates, reorders, delays or corrupts messages |
        | skew              | a region's clock runs ahead or behind, with or without drift                    |
        | crash             | a replica crashes (some in the middle of a write) and restarts                  |
        | failover          | a shard fails over to another region                                            |

  Rule: A deliberately broken build is caught by the check meant for it, shrunk, and replayed from its report

    Scenario Outline: A deliberately broken build is caught by the <checker> check, shrunk and replayed: <bug>
      When the simulator runs seeds 1 to 100 with 60 operations each and the bug "<bug>" switched on
      Then the simulator caught it with the <checker> check
      And the shrunk schedule has at most <items> items and still breaks the <checker> check
      And replaying the shrunk schedule from its report breaks the <checker> check again

      Examples:
        | bug                             | checker      | items |
        | follower-skips-event            | log          | 6     |
        | idempotency-forgets             | idempotency  | 4     |
        | leader-double-applies           | double-count | 6     |
        | session-ignores-marks           | session      | 4     |
        | leader-corrupts-batches         | corruption   | 8     |
        | hlc-ignores-clock               | hlc          | 4     |
        | session-ignores-tenant          | session      | 2     |
        | quorum-miscounts                | quorum       | 2     |
        | follower-accepts-deposed-leader | epoch        | 4     |
        | resend-starts-one-early         | log          | 8     |
        | idempotency-ignores-tenant      | idempotency  | 3     |
        | sessions-forgive-bad-options    | bad-input    | 2     |

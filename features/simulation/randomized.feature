@phase-8.6 @simulation
Feature: Randomized fault simulation keeps every promise across a block of seeds
  Hundreds of seeded runs, each on a cluster its seed draws (2 to 5 regions, 1 to 8 shards, either ack policy,
  either partition policy, its own latency, retention, batch sizes and storage) and each a random workload under
  a random storm of partitions, message faults, clock skew, crashes and failovers weighed as its seed draws them,
  end with every promise kept: nothing acknowledged lost or counted twice, every region converged.

  Scenario: Two hundred random runs under every kind of fault keep every promise
    When the simulator runs seeds 1 to 200 with 400 operations each
    Then no seed broke a promise

  Scenario Outline: A deliberately broken build is caught, shrunk and replayed: <bug>
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

@phase-8.6 @simulation
Feature: Randomized fault simulation keeps every promise across a block of seeds
  Hundreds of seeded runs, each a random workload under a random storm of partitions, message faults,
  clock skew, crashes and failovers, end with no acknowledged write lost or counted twice and every region converged.

  Scenario: Two hundred random runs under every kind of fault keep every promise
    When the simulator runs seeds 1 to 200 with 400 operations each
    Then no seed broke a promise

  Scenario Outline: A deliberately broken build is caught, shrunk and replayed: <bug>
    When the simulator runs seeds 1 to 100 with 60 operations each and the bug "<bug>" switched on
    Then the simulator caught it with the <checker> check
    And the shrunk schedule has at most <items> items and still breaks the <checker> check
    And replaying the shrunk schedule from its report breaks the <checker> check again

    Examples:
      | bug                   | checker      | items |
      | follower-skips-event  | convergence  | 6     |
      | idempotency-forgets   | idempotency  | 4     |
      | leader-double-applies | double-count | 6     |
      | session-ignores-marks | session      | 4     |

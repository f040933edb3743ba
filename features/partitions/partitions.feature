@phase-8.6 @partitions
Feature: Writes keep flowing while regions are partitioned, and cut-off regions catch up
  While a region is cut off, the leader keeps acknowledging writes and the lag gauge shows how far
  and how long the region falls behind; once the link heals it catches up and every score matches.

  Scenario: The leader keeps taking writes while a region is cut off, and the region catches up after the heal
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the link between us-east and eu-west is cut
    When a client writes 40 clicks across 8 entities, one every 10 ms
    Then the leader in us-east acknowledged all 40 writes
    And the lag gauge shows eu-west behind by 40 events for at least 300 ms
    And the lag gauge shows ap-south caught up
    When a client writes 20 clicks across 8 entities, one every 10 ms
    And 1 s passes
    Then the lag gauge shows eu-west behind by 60 events for at least 1.5 s
    When the link between us-east and eu-west heals
    Then the regions agree within 2 s of the heal
    And the lag gauge shows eu-west caught up
    And every entity scores the same in every region
    And every follower holds each shard's log in the leader's order

  Scenario: Two regions cut off at once both catch up after the heal
    Given a cluster of regions us-east, eu-west, ap-south, us-west with 2 shards each, led from us-east
    And us-east is cut off from eu-west and ap-south
    When a client writes 100 views across 20 entities, one every 5 ms
    And 500 ms pass
    Then the lag gauge shows eu-west behind by 100 events for at least 500 ms
    And the lag gauge shows ap-south behind by 100 events for at least 500 ms
    And the lag gauge shows us-west caught up
    When every link heals
    Then the regions agree within 2 s of the heal
    And every region holds 100 writes
    And every entity scores the same in every region

  Scenario: A link that flaps ten times still delivers every write
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the link between us-east and eu-west flaps 10 times, down for 200 ms and up for 100 ms each time
    When a client writes 150 clicks across 15 entities, one every 20 ms
    And the link between us-east and eu-west has stopped flapping
    Then the link between us-east and eu-west was cut 10 times
    And the regions agree within 2 s of the heal
    And every region holds 150 writes
    And every entity scores the same in every region

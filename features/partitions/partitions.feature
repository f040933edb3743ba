@phase-8.6 @partitions
Feature: Writes keep flowing while regions are partitioned, and cut-off regions catch up
  While a region is cut off, the leader keeps acknowledging writes and the lag gauge shows how far
  and how long the region falls behind; once the link heals it catches up and every score matches.

  Scenario: The leader keeps taking writes while a region is cut off, and the region catches up after the heal
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the link between us-east and eu-west is partitioned
    When a client writes 40 "click" signals across 8 entities, one every 10 ms
    Then the leader in us-east acknowledged all 40 writes
    And the lag gauge shows eu-west behind by 40 events for at least 300 ms
    And the lag gauge shows ap-south caught up
    When a client writes 20 "click" signals across 8 entities, one every 10 ms
    And the cluster runs for 1 s
    Then the lag gauge shows eu-west behind by 60 events for at least 1.5 s
    When the partition between us-east and eu-west heals
    Then all regions converge within 2 s of the heal
    And the lag gauge shows eu-west caught up
    And every entity scores the same in every region
    And every follower holds each shard's log in the leader's order

  Scenario: Two regions cut off at once both catch up after the heal
    Given a cluster of regions us-east, eu-west, ap-south, us-west with 2 shards each, led from us-east
    And eu-west and ap-south are cut off from us-east
    When a client writes 100 "view" signals across 20 entities, one every 5 ms
    And the cluster runs for 500 ms
    Then the lag gauge shows eu-west behind by 100 events for at least 500 ms
    And the lag gauge shows ap-south behind by 100 events for at least 500 ms
    And the lag gauge shows us-west caught up
    When all partitions heal
    Then all regions converge within 2 s of the heal
    And every region has applied 100 events
    And every entity scores the same in every region

  Scenario: A link that flaps ten times still delivers every write
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the link between us-east and eu-west flaps 10 times, down for 200 ms and up for 100 ms each time
    When a client writes 150 "click" signals across 15 entities, one every 20 ms
    And the link between us-east and eu-west has stopped flapping
    Then the link between us-east and eu-west was cut 10 times
    And all regions converge within 2 s of the heal
    And every region has applied 150 events
    And every entity scores the same in every region

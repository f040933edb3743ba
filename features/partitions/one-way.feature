@phase-8.6 @partitions
Feature: One-way partitions: a region that can only hear, or can only be heard
  When traffic flows in one direction only, shipping still copes: a follower the leader cannot
  reach catches up after the heal, and a follower that cannot answer still applies every write once.

  Scenario: The leader cannot reach a follower: the follower falls behind, then catches up after the heal
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And the link from us-east to eu-west is cut
    When a client writes 30 clicks to article-1
    And 2 s pass
    Then eu-west holds 0 writes
    And the lag gauge shows eu-west behind by 30 events for at least 2 s
    When the link from us-east to eu-west heals
    Then the regions agree within 2 s of the heal
    When 100 ms pass
    Then the leader has heard eu-west confirm 30 events
    And article-1 "click" scores the same in us-east and eu-west

  Scenario: A follower hears the leader but cannot acknowledge: it applies every write once while the leader resends
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    When a client writes 5 clicks to article-1
    And 100 ms pass
    Then the leader has heard eu-west confirm 5 events
    When the link from eu-west to us-east is cut
    And a client writes 30 clicks to article-1
    And 2 s pass
    Then eu-west holds 35 writes
    And the lag gauge shows eu-west caught up
    But the leader has heard eu-west confirm 5 events
    And eu-west received resent batches and applied each event once
    When a client tries to write a click of weight 1 to article-1 through eu-west
    Then the write is refused because eu-west cannot reach the leader
    When the link from eu-west to us-east heals
    And 1 s passes
    Then the leader has heard eu-west confirm 35 events
    And article-1 "click" scores the same in us-east and eu-west

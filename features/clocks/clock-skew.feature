@phase-8.6 @clocks
Feature: Writes stay ordered and causal when region clocks disagree
  Hybrid logical clocks order every write even when regions' wall clocks are off by ±500 ms or
  drift; a clock too far ahead is refused with a clear error, and its writes arrive once it is fixed.

  Scenario: Regions whose clocks are 500 ms ahead and 500 ms behind replicate in order
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the clock of eu-west runs 500 ms ahead
    And the clock of ap-south runs 500 ms behind
    When a client writes 60 clicks across 6 entities, one every 10 ms
    Then the regions agree within 2 s
    And every follower holds each shard's log in the leader's order
    And every entity scores the same in every region
    And each shard's acknowledgements carry strictly increasing hybrid timestamps
    And no region refused a message for clock skew
    And every hybrid clock moved only forward and stamped each receive after the stamp it received

  Scenario: The leader's clock 500 ms ahead of one follower and behind another keeps causality
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    And the clock of us-east runs 500 ms ahead
    And the clock of eu-west runs 500 ms behind
    When a client writes 30 views to article-3
    And the clock of us-east runs 500 ms behind
    And the clock of eu-west runs 500 ms ahead
    And a client writes 30 views to article-3
    Then the regions agree within 2 s
    And each shard's acknowledgements carry strictly increasing hybrid timestamps
    And article-3 "view" scores the same in us-east, eu-west and ap-south
    And every hybrid clock moved only forward and stamped each receive after the stamp it received

  Scenario: Both sides of a partition write with skewed clocks and agree on the last write after the heal
    Given regions cut off from the leader accept writes locally
    And a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    And the clock of eu-west runs 500 ms ahead
    And the clock of ap-south runs 500 ms behind
    And the link between us-east and eu-west is cut
    When clients write 10 "click" signals to article-42 through each of us-east, eu-west and ap-south, one every 40 ms
    And the link between us-east and eu-west heals
    Then the regions agree within 2 s of the heal
    And every region scores article-42 "click" as one replica applying every write once would
    And every region counts 30 writes to article-42 "click", 0 of them retractions, and agrees on the last write
    And no region refused a message for clock skew
    And every hybrid clock moved only forward and stamped each receive after the stamp it received

  Scenario: A drifting clock keeps hybrid time moving forward, and is put back on time
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And the clock of eu-west gains 200 ms every second
    When a client writes 40 clicks across 4 entities, one every 50 ms
    And the clock of eu-west is corrected
    And a client writes 10 clicks across 4 entities, one every 50 ms
    Then the regions agree within 2 s
    And every entity scores the same in every region
    And every hybrid clock moved only forward and stamped each receive after the stamp it received

  Scenario: A leader clock beyond the allowed drift is refused with a clear error, and its writes arrive once it is fixed
    Given a region accepts remote clocks at most 1 s ahead of its own
    And a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And the clock of us-east runs 3 s ahead
    When a client writes 10 clicks to article-1
    And 500 ms pass
    Then eu-west refused the batches from us-east because that clock ran more than 1 s ahead
    And eu-west holds 0 writes
    When the clock of us-east is corrected
    Then the regions agree within 5 s
    And eu-west holds 10 writes
    And article-1 "click" scores the same in us-east and eu-west
    And every hybrid clock moved only forward and stamped each receive after the stamp it received

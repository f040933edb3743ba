@phase-8.6
@clocks
Feature: Writes stay ordered and causal when region clocks disagree
  Every region stamps writes with a clock that never runs backwards, even when its own wall clock is
  off by half a second or drifts. A clock too far ahead is refused, and its writes arrive once it is
  corrected.

  @replication
  Rule: Clocks half a second ahead or behind change neither the order of writes nor the scores

    @smoke
    @real-smoke
    Scenario: Followers whose clocks run 500 ms ahead and 500 ms behind hold every write in order
      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
      And the clock of eu-west runs 500 ms ahead
      And the clock of ap-south runs 500 ms behind
      When a client writes 60 clicks across 6 entities, one every 10 ms
      Then the regions agree within 2 s
      And every region holds each shard's writes in its leader's order
      And each shard stamped its acknowledgements in strictly increasing order
      And no region refused a message for clock skew

    Scenario: The leader's clock jumping back by a second still stamps its writes in order
      The leader's clock runs 500 ms ahead for the first 30 writes, then 500 ms behind.

      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
      And the clock of eu-west runs 500 ms behind
      And the clock of us-east runs 500 ms ahead
      And a client wrote 30 views to article-3
      And the clock of us-east runs 500 ms behind
      When a client writes 30 views to article-3
      Then the regions agree within 2 s
      And each shard stamped its acknowledgements in strictly increasing order

  Rule: A region's clock stamps only move forward, each after every stamp it received

    # @simulator-only: reads every region's clock stamps from the simulator's monitor
    @simulator-only
    Scenario: A clock that gains 200 ms a second, then is corrected, never stamps backwards
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      And the clock of eu-west gains 200 ms every second
      And a client wrote 40 clicks across 4 entities, one every 50 ms
      And the clock of eu-west is corrected
      When a client writes 10 clicks across 4 entities, one every 50 ms
      Then the regions agree within 2 s
      And every region's clock stamps moved only forward, each after every stamp it received

    # @simulator-only: reads every region's clock stamps from the simulator's monitor
    @partitions
    @convergence
    @simulator-only
    Scenario: Both sides of a cut write with skewed clocks and agree on the last write after the heal
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east, where a region cut off from the leader accepts writes locally
      And the clock of eu-west runs 500 ms ahead
      And the clock of ap-south runs 500 ms behind
      And the link between us-east and eu-west is cut
      And clients wrote 10 clicks to article-42 through each of us-east, eu-west and ap-south, one every 40 ms
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s of the heal
      And every region scores article-42 as one copy holding its 30 clicks once would
      And every region's clock stamps moved only forward, each after every stamp it received

  Rule: A region refuses writes from a clock more than 1 s ahead of its own, and takes them once that clock is corrected

    Background:
      Given a region accepts remote clocks at most 1 s ahead of its own
      And a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      And the clock of us-east runs 3 s ahead
      And a client wrote 10 clicks to article-1

    Scenario: eu-west refuses the writes of a leader whose clock runs 3 s ahead
      When 500 ms pass
      Then eu-west refused the writes from us-east because its clock ran more than 1 s ahead
      And eu-west holds 0 writes

    # @simulator-only: reads every region's clock stamps from the simulator's monitor
    @simulator-only
    Scenario: The writes arrive once the leader's clock is corrected
      When the clock of us-east is corrected
      Then the regions agree within 5 s
      And eu-west holds 10 writes
      And every region's clock stamps moved only forward, each after every stamp it received

@phase-8.6
@failover
Feature: Under majority acknowledgement, no acknowledged write is lost when the leader fails over
  With majority acknowledgement a write is acknowledged only once a majority of the shard's regions hold it, so a new
  leader always holds every acknowledged write. A write the old leader took but could not get acknowledged is refused
  to its client, and a failover that could lose an acknowledged write is refused.

  Background:
    Given writes are acknowledged once a majority of regions hold them
    And a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east

  @durability
  Rule: A write is acknowledged once a majority of regions hold it, and not before

    Scenario: With every region up, writes are acknowledged by a majority
      When a client writes 20 clicks across 5 entities
      Then 20 writes are acknowledged by a majority within 100 ms
      And every write was acknowledged only once a majority of regions held it

    Scenario: With a minority of regions down, writes are still acknowledged
      Given ap-south crashed
      When a client writes 10 clicks to article-1
      Then 10 writes are acknowledged by a majority within 100 ms

    Scenario: A region that was down while writes were acknowledged holds them all once it restarts
      Given ap-south crashed
      And a client wrote 10 clicks to article-1
      When ap-south restarts
      Then the regions agree within 2 s
      And 10 writes are acknowledged by a majority within 100 ms
      And every write a majority acknowledged is present in every region

    Scenario: A leader cut off from the majority cannot get its writes acknowledged
      Given us-east is cut off from eu-west and ap-south
      And a client wrote 3 clicks to article-9
      When 1 s passes
      Then 3 writes are still waiting for a majority
      And 0 writes are acknowledged by a majority

  @durability
  Rule: A failover keeps every acknowledged write; the writes the old leader could not get acknowledged are refused

    @smoke
    Scenario: The leader is cut off and replaced: every acknowledged write survives
      Given a client wrote 20 clicks across 5 entities
      And every region has caught up
      And us-east is cut off from eu-west and ap-south
      And a client wrote 3 clicks to article-9
      When shard 0 fails over
      Then eu-west leads shard 0 in leadership term 2
      And every write a majority acknowledged is present in every region

    Scenario: The old leader hears of the new leader: its writes that no majority held are refused to their client
      Given us-east is cut off from eu-west and ap-south
      And a client wrote 3 clicks to article-9
      And shard 0 failed over to eu-west
      When every link heals
      Then the regions agree within 2 s
      And the 3 writes to article-9 were refused to their client: their leader was replaced before a majority held them
      And no region holds any write to article-9 "click"

  Rule: A failover that could lose an acknowledged write is refused until enough regions are up

    Scenario: With the leader cut off and another region down, a failover is refused
      Given a client wrote 10 clicks to article-1
      And every region has caught up
      And ap-south crashed
      And us-east is cut off from eu-west and ap-south
      When shard 0 tries to fail over to eu-west
      Then the failover is refused: "only 1 of shard 0's followers are up; under quorum acks 2 must be"
      And us-east leads shard 0 in leadership term 1

    Scenario: Once the region that was down is back, the failover goes ahead
      Given a client wrote 10 clicks to article-1
      And every region has caught up
      And ap-south crashed
      And ap-south restarted
      And us-east is cut off from eu-west and ap-south
      When shard 0 fails over to eu-west
      Then eu-west leads shard 0 in leadership term 2
      And every write a majority acknowledged is present in every region

@phase-8.6
@failover
Feature: Under leader acknowledgement, a failover loses exactly the writes the old leader had not passed on
  By default a write is acknowledged as soon as its shard's leader logged it: fast, but only as safe as that leader.
  If the leader is replaced before a write reached another region, that write is lost, and the suite names exactly which.

  Background:
    Given writes are acknowledged as soon as the leader logged them
    And a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east

  @durability
  Rule: A failover loses the acknowledged writes that only the old leader held, and no others

    @known-limit
    Scenario: The leader is cut off, acknowledges three writes, and a failover loses exactly those three
      Given a client wrote 10 clicks across 5 entities
      And every region has caught up
      And us-east is cut off from eu-west and ap-south
      And a client wrote these writes:
        | entity     | signal | weight |
        | article-41 | click  | 2      |
        | article-42 | view   | 3      |
        | entity-0   | click  | -1     |
      And shard 0 failed over to eu-west
      When every link heals
      Then the regions agree within 2 s
      And exactly these acknowledged writes were lost, and every other is present in every region:
        | entity     | signal | weight | acknowledged by |
        | article-41 | click  | 2      | us-east         |
        | article-42 | view   | 3      | us-east         |
        | entity-0   | click  | -1     | us-east         |

  Rule: A failover after every region caught up loses nothing, and the new leader takes the writes

    @real-smoke
    Scenario: A failover after every region caught up loses nothing
      Given a client wrote 30 clicks across 10 entities
      And every region has caught up
      When shard 0 fails over to ap-south
      Then ap-south leads shard 0 in leadership term 2
      And no acknowledged write was lost
      And every write was acknowledged as soon as the leader logged it

    Scenario: The new leader takes the writes that follow, and the old leader follows it
      Given a client wrote 30 clicks across 10 entities
      And every region has caught up
      And shard 0 failed over to ap-south
      When a client writes 5 clicks to article-43
      Then the regions agree within 2 s
      And us-east follows ap-south on shard 0 in leadership term 2
      And every region holds 35 writes

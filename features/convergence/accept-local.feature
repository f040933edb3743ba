@phase-8.6 @convergence
Feature: Writes accepted locally on both sides of a partition reconcile to one answer
  With local acceptance, a region cut off from the leader keeps taking writes and says so in the
  acknowledgement; after the heal every region agrees, as if one replica had applied every write once.

  Background:
    Given regions cut off from the leader accept writes locally

  Scenario: Both sides of a partition write the same entity and agree after the heal
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    And the link between us-east and eu-west is cut
    When clients write 10 "click" signals to article-42 through each of us-east and eu-west, one every 50 ms
    And a client writes a click of weight -1 to article-42 through eu-west
    And a client writes a click of weight 2.5 to article-42 through ap-south
    Then the 11 writes that entered at eu-west were acknowledged as local, without a sequence number
    When the link between us-east and eu-west heals
    Then the regions agree within 2 s of the heal
    And every region scores article-42 "click" as one replica applying every write once would
    And every region counts 22 writes to article-42 "click", 1 of them retractions, and agrees on the last write
    And every entity scores the same in every region

  Scenario: Two cut-off regions and the leader all write the same entity, on two shards
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And us-east is cut off from eu-west and ap-south
    When clients write 8 "view" signals to article-7 through each of us-east, eu-west and ap-south, one every 30 ms
    And clients write 8 "view" signals to article-8 through each of eu-west and ap-south, one every 30 ms
    Then the 16 writes that entered at ap-south were acknowledged as local, without a sequence number
    When every link heals
    Then the regions agree within 2 s of the heal
    And every region scores article-7 "view" as one replica applying every write once would
    And every region scores article-8 "view" as one replica applying every write once would
    And every region counts 24 writes to article-7 "view", 0 of them retractions, and agrees on the last write
    And every region counts 16 writes to article-8 "view", 0 of them retractions, and agrees on the last write

  Scenario: After a short partition, reconciliation ships what changed, not the whole state
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And a client writes 2000 views across 1000 entities
    And the regions agree within 5 s
    And the link between us-east and eu-west is cut
    When clients write 5 "view" signals to article-1 through each of us-east and eu-west, one every 20 ms
    And reconciliation traffic is measured from now on
    And the link between us-east and eu-west heals
    Then the regions agree within 2 s of the heal
    And reconciliation since then shipped less than 5% of the full state
    And every region scores article-1 "view" as one replica applying every write once would

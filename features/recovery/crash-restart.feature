@phase-8.6
@recovery
Feature: A region that crashes comes back with every write it held and catches up
  A crash loses nothing a region had logged: on restart it reads its log back, takes from its shard's leader only the
  writes it missed, and every region agrees again. A leader that restarts keeps every write it acknowledged.

  @durability
  Rule: A restarted follower keeps what it held and catches up what it missed

    Background:
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east

    # @simulator-only: the follower crashes with writes in flight to it: how many it logged depends on that instant
    @smoke
    @simulator-only
    Scenario: A follower crashes mid-stream, reads its log back on restart and catches up from the leader
      Given a client wrote 60 clicks across 12 entities
      And every region has caught up
      And a client wrote 40 clicks across 12 entities
      And eu-west crashed
      And a client wrote 30 views across 6 entities
      When eu-west restarts
      Then the regions agree within 2 s
      And eu-west recovered 60 writes from its log and caught up the 70 it missed from the leader

  @durability
  Rule: A restarted leader keeps every write it acknowledged and leads on

    Background:
      Given a cluster of regions us-east, eu-west with 2 shards each, led from us-east

    @real-smoke
    Scenario: The leader crashes before its writes reach a follower, restarts, and leads on
      Given the link between us-east and eu-west is cut
      And a client wrote 25 clicks across 10 entities
      And us-east crashed
      And every link healed
      When us-east restarts
      Then us-east recovered 25 writes from its log
      And us-east leads shard 0 in leadership term 1
      And the regions agree within 2 s

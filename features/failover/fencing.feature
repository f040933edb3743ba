@phase-8.6
@failover
Feature: A deposed leader is fenced off and rejoins as a follower
  A failover starts a new leadership term for the shard. Whatever the old leader still sends from its old term is refused
  by every region; once it hears of the new term it stops leading, drops the writes only it had, and follows the new leader.

  Background:
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    And a client wrote 10 clicks across 5 entities
    And every region has caught up

  Rule: Every region refuses what a deposed leader sends from its old leadership term

    Background:
      Given us-east is cut off from eu-west and ap-south
      And a client wrote 3 clicks to article-7

    # @simulator-only: asks the cut-off old leader what it believes, and needs what it sends to be refused message by message
    @simulator-only
    Scenario: The old leader can send again but has not heard of the failover; its messages are refused
      Given shard 0 failed over to eu-west
      When us-east can reach eu-west and ap-south again but still hears nothing from them
      Then within 1 s, eu-west and ap-south refuse what us-east sends them as coming from an old leadership term
      And us-east still believes it leads shard 0 in leadership term 1

  @durability
  Rule: Once the old leader hears of the new leadership term, it follows the new leader without the writes only it had

    Scenario: The old leader's links heal and it rejoins as a follower
      Given us-east is cut off from eu-west and ap-south
      And a client wrote 3 clicks to article-7
      And shard 0 failed over to eu-west
      When every link heals
      Then the regions agree within 2 s
      And us-east follows eu-west on shard 0 in leadership term 2, without the 3 writes only it had

  @durability
  Rule: A leader that crashes before passing on its writes comes back as a follower, without them

    # @simulator-only: the leader crashes with its last writes in flight: which reached a follower depends on that instant
    @durable
    @simulator-only
    Scenario: The old leader crashes, the shard fails over, and on restart it rejoins as a follower
      Given a client wrote 3 clicks to article-7
      And us-east crashed
      And shard 0 failed over to eu-west
      When us-east restarts
      Then us-east recovered 13 writes from its log
      And us-east follows eu-west on shard 0 in leadership term 2, without the 3 writes only it had
      And the regions agree within 2 s

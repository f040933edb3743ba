@phase-8.6 @recovery
Feature: A replica that crashes comes back from its write-ahead log and catches up
  A crash loses nothing a replica had written to its log: on restart it recovers those events from
  disk, fetches from its shard's leader only what it missed, and every region converges again.

  Scenario: A follower crashes mid-stream, recovers its log on restart and catches up from the leader
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes 60 clicks across 12 entities
    And 100 ms pass
    And a client writes 40 clicks across 12 entities
    And eu-west crashes
    And a client writes 30 views across 6 entities
    And 1 s passes
    Then eu-west holds 60 writes
    And ap-south holds 130 writes
    When eu-west restarts
    Then eu-west recovered 60 events from its log
    And eu-west found no torn write in its log
    And the regions agree within 2 s
    And eu-west caught up 70 events from the leader
    And every region holds 130 writes
    And every entity scores the same in every region

  Scenario: The leader crashes and restarts: it keeps every write it acknowledged and leads on
    Given a cluster of regions us-east, eu-west with 2 shards each, led from us-east
    And the link between us-east and eu-west is cut
    When a client writes 25 clicks across 10 entities
    And us-east crashes
    And the link between us-east and eu-west heals
    And us-east restarts
    Then us-east recovered 25 events from its log
    And us-east leads shard 0 in epoch 1
    And the regions agree within 2 s
    And every region holds 25 writes
    And every entity scores the same in every region

  @durable
  Scenario: A crash tears the write in flight: recovery cuts the torn tail, reports it, and keeps everything before it
    Given write-ahead log segments roll at 2048 bytes
    And a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    When a client writes 40 clicks across 4 entities
    And the regions agree within 2 s
    And a client writes 5 views to article-9
    And eu-west crashes in the middle of a write
    Then eu-west's log is kept in segment files named for its shard and first sequence number
    When eu-west restarts
    Then eu-west cut off the half-written tail the crash left, and reported its size
    And eu-west recovered 40 events from its log
    And eu-west recovered its log from more than one segment
    And the regions agree within 2 s
    And eu-west caught up 5 events from the leader
    And every region holds 45 writes
    And every entity scores the same in every region

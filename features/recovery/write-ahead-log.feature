@phase-8.6
@recovery
@technical
@durable
Feature: Recovery reads the write-ahead log back, cuts a torn tail, and refuses a log it cannot trust
  Each replica logs its batches to segment files `<shard:5>-<firstSeqNo:20>.wal` under `dataDir/<region>/<shard>/`,
  rolled at a size. On restart recovery reads every segment in name order and returns a report (segments, events,
  truncated bytes). A torn tail of the last segment is truncated and reported; a segment of another shard, or a gap
  in the sequence numbers, is a `WalRecoveryError` naming the segment, and the log is left for an operator to inspect.

  Background:
    Given write-ahead log segments roll at 2048 bytes
    And a cluster of regions us-east, eu-west with 1 shard each, led from us-east

  @durability
  Rule: The log is kept in segment files named for their shard and first sequence number

    # @simulator-only: lists the segment files where the simulator's durable mode keeps them
    @simulator-only
    Scenario: A follower's log rolls over into several segment files
      When a client writes 40 clicks across 4 entities
      Then the regions agree within 2 s
      And eu-west's log is kept in more than one segment file, each named for its shard and first sequence number

  @durability
  Rule: Recovery reads back every segment; a crash that tears a write cuts off only the torn tail

    Scenario: A clean crash: recovery reads every segment and finds no torn write
      Given a client wrote 40 clicks across 4 entities
      And every region has caught up
      And eu-west crashed
      When eu-west restarts
      Then eu-west recovered 40 events from more than one segment
      And eu-west found no torn write in its log

    # @simulator-only: tears a write in flight
    @simulator-only
    Scenario: A crash tears the write in flight: recovery cuts the torn tail, reports it, and keeps everything before it
      Given a client wrote 40 clicks across 4 entities
      And every region has caught up
      And a client wrote 5 views to article-9
      And eu-west crashed in the middle of a write
      When eu-west restarts
      Then eu-west cut off the half-written tail the crash left, and reported its size
      And eu-west recovered 40 events from more than one segment
      And eu-west caught up 5 events from the leader within 2 s

  # @simulator-only: damages a replica's segment files in the simulator's storage
  @durability
  @simulator-only
  Rule: Recovery refuses a log it cannot trust, names the segment, and leaves the log as it was

    Scenario Outline: Recovery refuses a log with <damage>
      Given a client wrote 40 clicks across 4 entities
      And every region has caught up
      And the replica of shard 0 in eu-west crashes
      And <what happened to the log>
      When the replica of shard 0 in eu-west tries to restart
      Then recovery is refused, naming that segment: "<reason>"
      And the log is left as it was

      Examples:
        | damage                     | what happened to the log                                                 | reason                                   |
        | a segment of another shard | a segment named for shard 1 was copied into the log of eu-west's shard 0 | segment of shard 1 in the WAL of shard 0 |
        | a missing segment          | the second segment of the log of eu-west's shard 0 went missing          | gap in the log                           |

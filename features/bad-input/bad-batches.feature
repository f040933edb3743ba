@phase-8.6 @bad-input
Feature: A replica refuses a bad batch with a clear error and loses nothing
  Whatever arrives on the wire, a replica checks it before applying anything: a damaged, cut-short, unknown,
  out-of-order or misaddressed batch is refused with a typed error, the replica keeps exactly what it had, and replication carries on.

  Scenario Outline: eu-west refuses a bad batch (<defect>) and keeps what it had
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And a client writes 20 clicks across 10 entities
    And the regions agree within 2 s
    And the link from us-east to eu-west is cut
    And a client writes 10 views across 10 entities
    And 100 ms pass
    And every region's state is noted
    When eu-west receives a bad batch from its leader: "<defect>"
    Then eu-west refuses it with <error>: "<reason>"
    And every region still holds its noted state
    When every link heals
    Then the regions agree within 2 s
    And every region holds 30 writes
    And every entity scores the same in every region

    Examples:
      | defect                    | error                | reason                                         |
      | one byte flipped          | CorruptBatchError    | corrupt batch                                  |
      | cut short                 | CorruptBatchError    | corrupt batch: truncated                       |
      | unknown version 3         | CorruptBatchError    | unknown batch version 3                        |
      | a skipped sequence number | OutOfOrderBatchError | out-of-order batch: it starts at SeqNo 22      |
      | addressed to shard 1      | WrongShardError      | batch for shard 1 reached a replica of shard 0 |
      | an entity id of 300 bytes | CorruptBatchError    | it is 300 UTF-8 bytes; the limit is 256        |

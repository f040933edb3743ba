@phase-8.6 @bad-input
Feature: A replica refuses a bad batch with a clear error and loses nothing
  Whatever arrives on the wire, a replica checks it before applying anything: a damaged, cut-short, unknown,
  out-of-order or misaddressed batch is refused with a typed error, the replica keeps exactly what it had, and replication carries on.

  Scenario Outline: eu-west refuses a bad batch (<defect>) and keeps what it had
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And a client writes 20 "click" signals across 10 entities
    And the cluster converges within 2 s
    And messages from us-east to eu-west are dropped
    And a client writes 10 "view" signals across 10 entities
    And the cluster runs for 100 ms
    And every region's state is noted
    When eu-west receives a bad batch from its leader: "<defect>"
    Then eu-west refuses it with <error>: "<reason>"
    And every region still holds its noted state
    When all partitions heal
    Then the cluster converges within 2 s
    And every region has applied 30 events
    And every entity scores the same in every region

    Examples:
      | defect                    | error                | reason                                         |
      | one byte flipped          | CorruptBatchError    | corrupt batch                                  |
      | cut short                 | CorruptBatchError    | corrupt batch: truncated                       |
      | unknown version 3         | CorruptBatchError    | unknown batch version 3                        |
      | a skipped sequence number | OutOfOrderBatchError | out-of-order batch: it starts at SeqNo 22      |
      | addressed to shard 1      | WrongShardError      | batch for shard 1 reached a replica of shard 0 |
      | an entity id of 300 bytes | CorruptBatchError    | it is 300 UTF-8 bytes; the limit is 256        |

@phase-8.6
@bad-input
Feature: A client's bad write or read is refused as bad input, with the reason, and changes nothing
  An undeclared signal, a weight that is not a finite number, a malformed or unknown region, or an entity id
  longer than 256 UTF-8 bytes is refused as bad input; the client is told what to fix, and no region changes.

  @writes
  Rule: A write must name a declared signal and a weight that is a finite number

    Background:
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      And a client wrote 5 clicks to article-1

    Scenario Outline: A write with <problem> is refused as bad input and nothing is written
      When a client tries to write a "<signal>" of weight <weight> to article-1
      Then the write is refused as bad input: '<reason>'
      And no region changed
      And the regions agree within 2 s
      And every region holds 5 writes

      @smoke
      Examples: a signal the schema does not declare
        | problem              | signal | weight | reason                                              |
        | an undeclared signal | clack  | 1.0    | unknown signal "clack": the schema declares "click" |

      Examples: weights that are not finite numbers
        | problem            | signal | weight    | reason                                          |
        | a NaN weight       | click  | NaN       | invalid weight NaN: a weight is a finite number |
        | an infinite weight | click  | Infinity  | invalid weight Infinity                         |
        | a -Infinity weight | view   | -Infinity | NaN and Infinity are refused                    |

  @regions
  Rule: A request names a region of the cluster, by a well-formed region id

    Background:
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east

    Scenario Outline: A write through a region that is <problem> is refused as bad input
      When a client tries to write a click of weight 1 to article-1 through region "<region>"
      Then the write is refused as bad input: '<reason>'
      And no region changed

      Examples:
        | problem                     | region  | reason                                             |
        | not a region id             | EU West | a region id is 1-32 characters of a-z, 0-9 and "-" |
        | empty                       |         | a region id is 1-32 characters of a-z, 0-9 and "-" |
        | not a region of the cluster | sa-east | not a region of this cluster (us-east, eu-west)    |

    Scenario Outline: A read in a region that is <problem> is refused as bad input
      When a client tries to read article-1 "click" in region "<region>"
      Then the read is refused as bad input: '<reason>'
      And no region changed

      Examples:
        | problem                     | region  | reason                                             |
        | not a region id             | EU West | a region id is 1-32 characters of a-z, 0-9 and "-" |
        | empty                       |         | a region id is 1-32 characters of a-z, 0-9 and "-" |
        | not a region of the cluster | sa-east | not a region of this cluster (us-east, eu-west)    |

  @writes
  Rule: An entity id is at most 256 UTF-8 bytes
    A character outside ASCII takes more than one byte: "€" takes 3, so 86 of them take 258 bytes.

    Background:
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east

    Scenario Outline: An entity id of <n> "<character>" characters (<bytes> bytes) is refused as bad input
      When a client tries to write a click of weight 1 to an entity id of <n> "<character>" characters
      Then the write is refused as bad input: 'it is <bytes> UTF-8 bytes; the limit is 256'
      And no region changed

      Examples:
        | n   | character | bytes |
        | 257 | x         | 257   |
        | 86  | €         | 258   |

    Example: An entity id of exactly 256 bytes is accepted, held and scored in every region
      When a client writes a click of weight 1 to an entity id of 256 "x" characters
      Then the regions agree within 2 s
      And every region holds the write
      And in every region the entity of 256 "x" characters scores 1.0 clicks

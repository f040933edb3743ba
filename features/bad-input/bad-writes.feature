@phase-8.6 @bad-input
Feature: A client's bad write or read is refused with a clear error and changes nothing
  An undeclared signal, a weight that is not a finite number, a malformed or unknown region, or an entity id longer
  than 256 UTF-8 bytes is refused with a typed error that says what to fix; no region's state changes.

  Scenario Outline: A write with <problem> is refused and nothing is written
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And a client writes 5 clicks to article-1
    And the regions agree within 2 s
    And every region's state is noted
    When a client tries to write a "<signal>" of weight <weight> to article-1
    Then it is refused with <error>: '<reason>'
    And every region still holds its noted state
    And the regions agree within 2 s
    And every region holds 5 writes

    Examples:
      | problem               | weight    | signal | error              | reason                                                   |
      | an undeclared signal  | 1.0       | clack  | UnknownSignalError | unknown signal "clack": the schema declares "click"      |
      | a NaN weight          | NaN       | click  | InvalidInputError  | invalid weight NaN: a weight is a finite number          |
      | an infinite weight    | Infinity  | click  | InvalidInputError  | invalid weight Infinity                                  |
      | a -Infinity weight    | -Infinity | view   | InvalidInputError  | NaN and Infinity are refused                             |

  Scenario Outline: A region name that is <problem> is refused with a clear error
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And every region's state is noted
    When a client tries to write a click of weight 1.0 to article-1 through region "<region>"
    Then it is refused with InvalidInputError: '<reason>'
    When a client tries to read article-1 "click" in region "<region>"
    Then it is refused with InvalidInputError: '<reason>'
    And every region still holds its noted state

    Examples:
      | problem                   | region   | reason                                                    |
      | not a region id           | EU West  | a region id is 1-32 characters of a-z, 0-9 and "-"        |
      | empty                     |          | a region id is 1-32 characters of a-z, 0-9 and "-"        |
      | not a region of the cluster | sa-east | not a region of this cluster (us-east, eu-west)          |

  Scenario: An entity id over 256 UTF-8 bytes is refused; one of exactly 256 bytes is accepted
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And every region's state is noted
    When a client tries to write a click of weight 1.0 to an entity id of 257 "x" characters
    Then it is refused with InvalidInputError: "it is 257 UTF-8 bytes; the limit is 256"
    When a client tries to write a click of weight 1.0 to an entity id of 86 "€" characters
    Then it is refused with InvalidInputError: "it is 258 UTF-8 bytes; the limit is 256"
    And every region still holds its noted state
    When a client tries to write a click of weight 1.0 to an entity id of 256 "x" characters
    Then it is accepted
    And the regions agree within 2 s
    And every region holds 1 writes

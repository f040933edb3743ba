Feature: x
  Scenario: y
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    When eu-west crashes

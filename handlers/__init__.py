"""The validator and store-large Lambdas (stdlib + boto3 only): a pure streaming core and thin adapters."""

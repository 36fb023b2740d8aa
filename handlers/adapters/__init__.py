"""The handlers' side of AWS: boto3 clients, the S3 writers the core's sinks stand for, EMF metrics,
which SDK failures are transient. Imports seams/ and core/'s sink interfaces only."""

"""The validator's pure core: bytes in; classified records, DynamoDB items, reviews and the manifest out.

No AWS call here (the adapters/ package makes them); imports seams/, values/ and recordcontract/ only.
"""

"""The `sales-pipeline` command: one installed entry point for check, simulate, serve, deploy and review."""

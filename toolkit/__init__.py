"""The shared toolkit at the bottom of the layers (docs/architecture.md): uploads, database
helpers, spreadsheets, numbers, request guards, media headers, local test services.

Every app may import it; it imports no app of the platform (an import-linter contract)."""

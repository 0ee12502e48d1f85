"""What every feature shares: model base, permissions, languages, geography, headers, errors."""

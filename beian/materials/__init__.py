"""Materials: the requirement catalogue, uploads, storage, machine checks, agreements, evidence."""

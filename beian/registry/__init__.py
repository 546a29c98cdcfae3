"""The approved state: entities, principals, websites, domains, access, numbers, versions, catalogues."""

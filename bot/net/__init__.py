"""Everything that touches the network for a user-supplied URL: the address policy, URL
identity, response bodies and the safe fetcher."""

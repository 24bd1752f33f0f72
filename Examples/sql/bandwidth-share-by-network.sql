-- Consensus weight share per IPv4 /16, per consensus.
-- The schema has no country column (tordesc export writes none yet), so relays are grouped
-- by the /16 of their r-line address, the grouping DocTor and churn use for "one operator's
-- network"; an AS or country grouping needs an address-to-AS or GeoIP table joined on address.
SELECT to_char(c.valid_after, 'YYYY-MM-DD HH24:MI') AS valid_after,
       c.flavor,
       network(set_masklen(e.address, 16)) AS network,
       count(*) AS relays,
       coalesce(sum(e.bandwidth), 0) AS bandwidth,
       round(100.0 * coalesce(sum(e.bandwidth), 0) / nullif(sum(sum(e.bandwidth)) OVER (PARTITION BY c.digest), 0), 3) AS share_percent
FROM consensuses c
JOIN consensus_entries e ON e.consensus_digest = c.digest
GROUP BY c.digest, c.valid_after, c.flavor, network(set_masklen(e.address, 16))
ORDER BY c.valid_after, c.flavor, bandwidth DESC, network;

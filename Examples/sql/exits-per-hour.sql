-- Exit relays per consensus hour.
--   exit_flag     relays with the Exit flag (`tordesc summary` calls them exits)
--   usable_exits  Exit without BadExit: the relays `tordesc exits --consensus` lists
--   relays        all relays of that consensus
-- One row per consensus: an hour loaded in both flavors gives an ns and a microdesc row.
SELECT to_char(date_trunc('hour', c.valid_after), 'YYYY-MM-DD HH24:00') AS hour,
       c.flavor,
       count(*) FILTER (WHERE r.exit) AS exit_flag,
       count(*) FILTER (WHERE r.exit AND NOT r.bad_exit) AS usable_exits,
       c.relays
FROM consensuses c
JOIN (SELECT e.consensus_digest,
             e.fingerprint,
             coalesce(bool_or(f.flag = 'Exit'), false) AS exit,
             coalesce(bool_or(f.flag = 'BadExit'), false) AS bad_exit
      FROM consensus_entries e
      LEFT JOIN entry_flags f USING (consensus_digest, fingerprint)
      GROUP BY e.consensus_digest, e.fingerprint) r ON r.consensus_digest = c.digest
GROUP BY c.digest, c.valid_after, c.flavor, c.relays
ORDER BY hour, c.flavor;

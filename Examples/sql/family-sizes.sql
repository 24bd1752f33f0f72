-- Family sizes as declared in server descriptors, one row per size.
-- Each relay counts once, with its newest descriptor (ties broken by digest). Its declared
-- family is itself plus the distinct $fingerprint entries of its family line other than its
-- own; nickname-only entries (old style) are not counted. mutual_links counts the declared
-- members whose own newest descriptor declares the relay back, the condition tor puts on
-- a family (one-sided declarations have no effect).
WITH latest AS (
    SELECT DISTINCT ON (fingerprint) digest, fingerprint
    FROM server_descriptors
    WHERE fingerprint IS NOT NULL
    ORDER BY fingerprint, published DESC NULLS LAST, digest
), members AS (
    SELECT DISTINCT l.fingerprint, f.member_fingerprint
    FROM latest l
    JOIN declared_families f ON f.descriptor = l.digest
    WHERE f.member_fingerprint IS NOT NULL AND f.member_fingerprint <> l.fingerprint
), per_relay AS (
    SELECT l.fingerprint,
           count(m.member_fingerprint) AS declared,
           count(back.fingerprint) AS mutual
    FROM latest l
    LEFT JOIN members m ON m.fingerprint = l.fingerprint
    LEFT JOIN members back ON back.fingerprint = m.member_fingerprint AND back.member_fingerprint = l.fingerprint
    GROUP BY l.fingerprint
)
SELECT declared + 1 AS declared_family_size,
       count(*) AS relays,
       sum(mutual) AS mutual_links
FROM per_relay
GROUP BY declared
ORDER BY declared_family_size;

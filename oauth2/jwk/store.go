package jwk

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v3"
	"github.com/jackc/pgx/v5"

	"github.com/cerberus-iam/cerberus/internal/secretbox"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// lockID is the advisory lock every key change takes, so concurrent
// starts and rotations serialize.
const lockID = 0x6365726265727573 // "cerberus"

const notifyChannel = "cerberus_oauth2_keys"

func sealAD(set, kid string) []byte { return []byte("oauth2 key " + set + "/" + kid) }

// loadKeys reads every published key (retired ones until publish_until).
func loadKeys(ctx context.Context, tx pgx.Tx, box *secretbox.Box, now time.Time) ([]*Key, error) {
	rows, err := tx.Query(ctx, `SELECT set_id, kid, alg, use, private_sealed, public_jwk, created_at, retired_at, publish_until
		FROM oauth2_keys WHERE publish_until IS NULL OR publish_until > $1 ORDER BY created_at, kid`, now)
	if err != nil {
		return nil, storage.Translate(err)
	}
	defer rows.Close()
	var out []*Key
	for rows.Next() {
		var (
			k       Key
			sealed  []byte
			pub     []byte
			retired *time.Time
			until   *time.Time
		)
		if err := rows.Scan(&k.Set, &k.KID, &k.Alg, &k.Use, &sealed, &pub, &k.CreatedAt, &retired, &until); err != nil {
			return nil, storage.Translate(err)
		}
		k.RetiredAt, k.PublishUntil = retired, until
		if err := json.Unmarshal(pub, &k.Public); err != nil {
			return nil, fmt.Errorf("key %s/%s: public key: %w", k.Set, k.KID, err)
		}
		if sealed != nil {
			plain, err := box.Open(sealed, sealAD(k.Set, k.KID))
			if err != nil {
				return nil, fmt.Errorf("key %s/%s cannot be opened with secrets.system (was the secret changed without keeping the old one?): %w", k.Set, k.KID, err)
			}
			var jwk jose.JSONWebKey
			if err := json.Unmarshal(plain, &jwk); err != nil {
				return nil, fmt.Errorf("key %s/%s: private key: %w", k.Set, k.KID, err)
			}
			signer, ok := jwk.Key.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("key %s/%s: not a signing key", k.Set, k.KID)
			}
			precompute(signer)
			k.Private = signer
		}
		out = append(out, &k)
	}
	return out, storage.Translate(rows.Err())
}

// insertKey seals priv and stores it as the newest key of its set.
func insertKey(ctx context.Context, tx pgx.Tx, box *secretbox.Box, set, kid, alg, use string, priv crypto.Signer, now time.Time) error {
	plain, err := json.Marshal(jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: alg, Use: use})
	if err != nil {
		return err
	}
	sealed, err := box.Seal(plain, sealAD(set, kid))
	if err != nil {
		return err
	}
	pub, err := json.Marshal(publicJWK(priv, kid, alg, use))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO oauth2_keys (set_id, kid, alg, use, private_sealed, public_jwk, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, set, kid, alg, use, sealed, pub, now)
	return storage.Translate(err)
}

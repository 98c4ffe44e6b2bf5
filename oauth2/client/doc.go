// Package client owns OAuth2 clients: Hydra's OAuth2Client JSON, its
// validation, the Postgres store (table oauth2_clients), client secret
// hashing with a cheap repeat path, and the admin API.
//
// Routes (admin listener):
//
//	GET    /admin/clients            list (page_size, page_token, client_name, owner)
//	POST   /admin/clients            create; the secret is returned only here
//	GET    /admin/clients/{id}       get
//	PUT    /admin/clients/{id}       replace
//	PATCH  /admin/clients/{id}       JSON Patch (RFC 6902)
//	DELETE /admin/clients/{id}       delete, with every token issued to it
//	PUT    /admin/clients/{id}/lifespans  set per-grant token lifespans
//
// Neighbours: the oauth2 head reads clients through Store (fosite's
// GetClient) and verifies secrets through Hasher; oauth2/jwk is asked to
// provide keys for the algorithms a client requests.
package client

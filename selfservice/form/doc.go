// Package form turns an identity schema into form fields and back: the
// trait inputs a registration or profile form shows (one node per trait,
// in schema order, labelled with the trait's title, typed from its type and
// format), the traits object a form post describes (values typed as the
// schema says, empty optional fields left out), and the field messages a
// failed schema validation becomes (Kratos's 4000xxx ids).
//
// Neighbours: identity/schema (the schema and its validation errors),
// selfservice/node and selfservice/text; used by the selfservice flows.
package form

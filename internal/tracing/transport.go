package tracing

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// transport gives each outbound request made within a traced request a
// client span and sends the span's context on as traceparent.
type transport struct {
	base   http.RoundTripper
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

// RoundTrip leaves requests made outside any trace (background refreshes,
// key fetches) untouched, so they neither start traces of their own nor
// lose a traceparent the client sent through the proxy.
func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !trace.SpanContextFromContext(r.Context()).IsValid() {
		return t.base.RoundTrip(r)
	}
	ctx, span := t.tracer.Start(r.Context(), r.Method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(clientAttrs(r)...))
	// A RoundTripper must not change the request it is given.
	out := r.Clone(ctx)
	t.prop.Inject(ctx, propagation.HeaderCarrier(out.Header))
	res, err := t.base.RoundTrip(out)
	if err != nil {
		span.SetStatus(codes.Error, valid(safeError(err)))
		span.End()
		return res, err
	}
	span.SetAttributes(semconv.HTTPResponseStatusCode(res.StatusCode))
	if res.StatusCode >= 400 {
		span.SetStatus(codes.Error, http.StatusText(res.StatusCode))
	}
	// The exchange lasts until the body is read: end the span then. An
	// upgraded connection (101) must stay a ReadWriteCloser for the reverse
	// proxy, so its span ends at the handshake.
	if res.Body == nil || res.Body == http.NoBody || res.StatusCode == http.StatusSwitchingProtocols {
		span.End()
		return res, nil
	}
	res.Body = &spanBody{ReadCloser: res.Body, span: span}
	return res, nil
}

// clientAttrs describe the request without its query, which may carry
// tokens.
func clientAttrs(r *http.Request) []attribute.KeyValue {
	u := url.URL{Scheme: r.URL.Scheme, Host: r.URL.Host, Path: r.URL.Path, RawPath: r.URL.RawPath}
	attrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String(r.Method),
		semconv.URLFull(valid(u.String())),
		semconv.ServerAddress(r.URL.Hostname()),
	}
	if p, err := strconv.Atoi(r.URL.Port()); err == nil {
		attrs = append(attrs, semconv.ServerPort(p))
	}
	return attrs
}

// safeError drops the URL a *url.Error quotes: its query may carry tokens.
func safeError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// spanBody ends the client span at EOF, on a read error or at Close,
// whichever comes first.
type spanBody struct {
	io.ReadCloser
	span trace.Span
	once sync.Once
}

func (b *spanBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.end(err)
	}
	return n, err
}

func (b *spanBody) Close() error {
	err := b.ReadCloser.Close()
	b.end(nil)
	return err
}

func (b *spanBody) end(err error) {
	b.once.Do(func() {
		if err != nil && err != io.EOF {
			b.span.SetStatus(codes.Error, valid("reading the response: "+err.Error()))
		}
		b.span.End()
	})
}

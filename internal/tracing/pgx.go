package tracing

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// maxQueryText bounds the SQL kept on a span.
const maxQueryText = 2048

// queryTracer gives every query, and every batch, made within a traced
// request a child span. Queries outside any trace (workers polling the
// courier queue, rule refreshes) are left alone: they would each start a
// trace of one span. Spans carry the SQL text, never its arguments.
type queryTracer struct {
	tracer trace.Tracer
}

func (q *queryTracer) start(ctx context.Context, conn *pgx.Conn, name string, attrs ...attribute.KeyValue) context.Context {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx
	}
	cfg := conn.Config()
	attrs = append(attrs, semconv.DBSystemNamePostgreSQL, semconv.DBNamespace(cfg.Database),
		semconv.ServerAddress(cfg.Host), semconv.ServerPort(int(cfg.Port)))
	ctx, _ = q.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx
}

// end ends the span start began; the span in ctx is ours exactly when it
// records (start began none under a parent that does not).
func end(ctx context.Context, err error, attrs ...attribute.KeyValue) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.SetAttributes(attrs...)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		span.SetStatus(codes.Error, valid(err.Error()))
	}
	span.End()
}

// TraceQueryStart implements pgx.QueryTracer.
func (q *queryTracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	op := operation(data.SQL)
	return q.start(ctx, conn, op, semconv.DBOperationName(op), semconv.DBQueryText(truncate(data.SQL)))
}

// TraceQueryEnd implements pgx.QueryTracer.
func (q *queryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	end(ctx, data.Err, semconv.DBResponseReturnedRows(int(data.CommandTag.RowsAffected())))
}

// TraceBatchStart implements pgx.BatchTracer: one span for the batch.
func (q *queryTracer) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	return q.start(ctx, conn, "BATCH", semconv.DBOperationName("BATCH"), semconv.DBOperationBatchSize(data.Batch.Len()))
}

// TraceBatchQuery implements pgx.BatchTracer: each statement is an event
// of the batch's span.
func (q *queryTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{semconv.DBQueryText(truncate(data.SQL))}
	if data.Err != nil {
		attrs = append(attrs, attribute.String("error", valid(data.Err.Error())))
	}
	span.AddEvent("query", trace.WithAttributes(attrs...))
}

// TraceBatchEnd implements pgx.BatchTracer.
func (q *queryTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	end(ctx, data.Err)
}

// operation is the statement's first keyword (SELECT, INSERT, WITH, ...),
// the span's name.
func operation(sql string) string {
	s := strings.TrimLeft(sql, " \t\r\n(")
	for strings.HasPrefix(s, "--") {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = strings.TrimLeft(s[i+1:], " \t\r\n(")
		} else {
			s = ""
		}
	}
	i := strings.IndexFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if i < 0 {
		i = len(s)
	}
	if i == 0 {
		return "SQL"
	}
	return strings.ToUpper(s[:i])
}

// truncate keeps the first maxQueryText bytes, cut at a character
// boundary.
func truncate(sql string) string {
	if len(sql) <= maxQueryText {
		return valid(sql)
	}
	n := maxQueryText
	for n > 0 && !utf8.RuneStart(sql[n]) {
		n--
	}
	return valid(sql[:n]) + "…"
}

// Interface guards
var (
	_ pgx.QueryTracer = (*queryTracer)(nil)
	_ pgx.BatchTracer = (*queryTracer)(nil)
)

package proxy

import "sync"

// bufferPool lends httputil.ReverseProxy the 32 KiB buffers it copies
// response bodies through. Without a pool the reverse proxy allocates one
// per request, and at proxy rates that garbage (and zeroing it) is the
// largest single cost after the network itself.
type bufferPool struct{ pool sync.Pool }

const copyBufferSize = 32 << 10

func newBufferPool() *bufferPool {
	return &bufferPool{pool: sync.Pool{New: func() any {
		b := make([]byte, copyBufferSize)
		return &b
	}}}
}

// Get returns a buffer of copyBufferSize bytes.
func (p *bufferPool) Get() []byte { return *(p.pool.Get().(*[]byte)) }

// Put takes a buffer back; buffers of another size are dropped.
func (p *bufferPool) Put(b []byte) {
	if cap(b) != copyBufferSize {
		return
	}
	b = b[:copyBufferSize]
	p.pool.Put(&b)
}

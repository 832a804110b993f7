package codec

// maxDepth bounds nesting so a self-referencing pickle fails, not recurses.
const maxDepth = 1000

// maxResolveNodes caps the nodes one unpickle may create whatever its
// length (about 16 bytes of references each).
const maxResolveNodes = 1 << 24

// newResolver gives one unpickle of n input bytes its single budget: a few
// nodes per input byte plus a fixed allowance, within maxResolveNodes.
func newResolver(n int) resolver {
	return resolver{budget: min(1<<16+16*n, maxResolveNodes)}
}

// resolver copies shared references into a tree. budget bounds the nodes
// it may create over the whole unpickle (set() arguments and the final
// value alike): a pickle of lists that each hold the previous one twice is
// tiny in Python (shared objects) but exponential as a tree. Containers
// already resolved are walked and counted again, so sharing them cannot
// build an unbounded tree either. pickleOnly names the first Object or
// Global met: the value then reads as an Opaque.
type resolver struct {
	budget     int
	pickleOnly string
}

func (r *resolver) each(in []Value, depth int) ([]Value, error) {
	if in == nil {
		return nil, nil
	}
	out := make([]Value, len(in))
	for i, x := range in {
		y, err := r.resolve(x, depth+1)
		if err != nil {
			return nil, err
		}
		out[i] = y
	}
	return out, nil
}

func (r *resolver) dict(in Dict, depth int) (Dict, error) {
	if in == nil {
		return nil, nil
	}
	out := make(Dict, len(in))
	for i, it := range in {
		k, err := r.resolve(it.Key, depth+1)
		if err != nil {
			return nil, err
		}
		val, err := r.resolve(it.Value, depth+1)
		if err != nil {
			return nil, err
		}
		out[i] = Item{k, val}
	}
	return out, nil
}

func (r *resolver) object(o *Object, depth int) (Value, error) {
	if r.pickleOnly == "" {
		r.pickleOnly = o.ClassName()
		if r.pickleOnly == "" {
			r.pickleOnly = "object"
		}
	}
	var out Object
	var err error
	if out.Class, err = r.resolve(o.Class, depth+1); err != nil {
		return nil, err
	}
	args, err := r.each(o.Args, depth)
	if err != nil {
		return nil, err
	}
	out.Args, out.NewObj = Tuple(args), o.NewObj
	if out.Kwargs, err = r.dict(o.Kwargs, depth); err != nil {
		return nil, err
	}
	items, err := r.each(o.Items, depth)
	if err != nil {
		return nil, err
	}
	out.Items = List(items)
	if out.DictItems, err = r.dict(o.DictItems, depth); err != nil {
		return nil, err
	}
	if out.State, err = r.resolve(o.State, depth+1); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *resolver) resolve(v Value, depth int) (Value, error) {
	if depth > maxDepth {
		return nil, malformed("nesting deeper than %d (self-reference?)", maxDepth)
	}
	if r.budget--; r.budget < 0 {
		return nil, malformed("too many shared references to expand")
	}
	switch x := v.(type) {
	case *List:
		l, err := r.each(*x, depth)
		return List(l), err
	case List:
		l, err := r.each(x, depth)
		return List(l), err
	case *Set:
		l, err := r.each(*x, depth)
		return Set(l), err
	case Set:
		l, err := r.each(x, depth)
		return Set(l), err
	case FrozenSet:
		l, err := r.each(x, depth)
		return FrozenSet(l), err
	case Tuple:
		l, err := r.each(x, depth)
		return Tuple(l), err
	case *Dict:
		return r.dict(*x, depth)
	case Dict:
		return r.dict(x, depth)
	case *OrderedDict:
		d, err := r.dict(Dict(*x), depth)
		return OrderedDict(d), err
	case OrderedDict:
		d, err := r.dict(Dict(x), depth)
		return OrderedDict(d), err
	case *Object:
		return r.object(x, depth)
	case Object:
		return r.object(&x, depth)
	case Global:
		if r.pickleOnly == "" {
			r.pickleOnly = x.String()
		}
	case *tzInfo:
		return r.object(x.view, depth)
	case *pendingUUID:
		// uuid.UUID.__new__ never given its state.
		return r.object(&Object{Class: Global{"uuid", "UUID"}, Args: Tuple{}, NewObj: true}, depth)
	}
	return v, nil
}

package codec_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/redisclient/redisclient/core/codec"
)

// The bytes django-redis stores for a value, and the value read back.
func ExampleCodec() {
	c, err := codec.New("django_redis.serializers.json.JSONSerializer", "", nil)
	if err != nil {
		log.Fatal(err) // errors.Is(err, codec.ErrConfig)
	}
	for _, v := range []codec.Value{int64(42), codec.Dict{{Key: "name", Value: "ada"}}} {
		b, err := c.Encode(v)
		if err != nil {
			log.Fatal(err)
		}
		back, err := c.Decode(b)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s -> %v\n", b, back)
	}
	_, err = c.Decode([]byte("{not json"))
	fmt.Println(errors.Is(err, codec.ErrMalformed))
	// Output:
	// 42 -> 42
	// {"name": "ada"} -> [{name ada}]
	// true
}

// Value JSON, as the C ABI carries values: tagged objects for the types JSON
// lacks.
func ExampleMarshalValueJSON() {
	v := codec.Tuple{int64(1), codec.Decimal("1.10"), []byte("raw")}
	js, err := codec.MarshalValueJSON(v)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(js))
	// Output:
	// {"$tuple":[1,{"$decimal":"1.10"},{"$bytes":"cmF3"}]}
}

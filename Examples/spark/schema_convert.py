"""JSON Schema (draft 2020-12) -> Spark StructType, for the schemas under Resources/schemas/.

Only the parts of JSON Schema that describe a value's shape are read: "type" (one or a list
with "null"), "properties", "items", "additionalProperties", "prefixItems" (tuples), "$ref" (within the
file, or to a sibling file), "$defs", "allOf", "anyOf"/"oneOf", "enum", "const" and "format". Keywords that
only validate (minimum, pattern, ...) do not change the Spark type and are ignored.

Mapping, chosen so that Spark never has to guess:
  integer -> LongType, number -> DoubleType, boolean -> BooleanType, string -> StringType,
  string with format date-time -> TimestampType (read with TIMESTAMP_FORMAT below),
  array -> ArrayType(items), object with properties -> StructType (in the schema's order),
  object with only additionalProperties -> MapType(string, that schema),
  an object with neither, or a union of unlike types -> StringType holding the JSON text
  (Spark's JSON reader keeps the raw text of a value read as a string).
Every field is nullable: from_json makes them so anyway, and absence is data here.
"""

import json
import os

from pyspark.sql.types import (ArrayType, BooleanType, DoubleType, LongType, MapType,
                               StringType, StructField, StructType, TimestampType)

# Accepts "2012-06-18 21:00:00" (tordesc's form) and RFC 3339 "2012-06-18T21:00:00Z".
TIMESTAMP_FORMAT = "yyyy-MM-dd[ ]['T']HH:mm:ss[.SSSSSS][.SSS][XXX]"


class SchemaConverter:
    """Converts the schema files of one directory, resolving $ref between them."""

    def __init__(self, directory):
        self.directory = directory
        self._documents = {}

    def document(self, name):
        if name not in self._documents:
            with open(os.path.join(self.directory, name), encoding="utf-8") as handle:
                self._documents[name] = json.load(handle)
        return self._documents[name]

    def struct_for(self, name, pointer=""):
        """The StructType of the object schema at `pointer` (a JSON pointer) in file `name`."""
        node = self._resolve_pointer(self.document(name), pointer)
        spark_type = self.convert(node, name)
        if not isinstance(spark_type, StructType):
            raise ValueError(f"{name}#{pointer} is not an object schema with properties")
        return spark_type

    def convert(self, node, base):
        if node is True or node == {}:
            return StringType()
        if "$ref" in node:
            target, target_base = self._follow(node["$ref"], base)
            return self.convert(target, target_base)
        if "allOf" in node:
            return self._merge([self.convert(part, base) for part in node["allOf"]])
        for key in ("anyOf", "oneOf"):
            if key in node:
                options = [part for part in node[key] if part.get("type") != "null"]
                types = [self.convert(part, base) for part in options]
                return self._union(types)
        types = node.get("type")
        if types is None:
            types = self._type_of_values(node)
        if isinstance(types, str):
            types = [types]
        types = [t for t in types if t != "null"]
        if len(types) != 1:
            return StringType() if types else StringType()
        kind = types[0]
        if kind == "integer":
            return LongType()
        if kind == "number":
            return DoubleType()
        if kind == "boolean":
            return BooleanType()
        if kind == "string":
            return TimestampType() if node.get("format") == "date-time" else StringType()
        if kind == "array":
            if "prefixItems" in node:
                # A tuple ([address, port, is_ipv6]): one element type if they agree, else the
                # elements' JSON text as strings (Spark arrays hold one type).
                kinds = self._union([self.convert(item, base) for item in node["prefixItems"]])
                return ArrayType(kinds, True)
            items = node.get("items", True)
            return ArrayType(self.convert(items, base) if isinstance(items, dict) else StringType(), True)
        if kind == "object":
            properties = node.get("properties")
            if properties:
                return StructType([StructField(key, self.convert(value, base), True)
                                   for key, value in properties.items()])
            extra = node.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return MapType(StringType(), self.convert(extra, base), True)
            return StringType()
        raise ValueError(f"unknown JSON Schema type {kind!r} in {base}")

    @staticmethod
    def _type_of_values(node):
        values = node.get("enum", [node["const"]] if "const" in node else [])
        names = {"string" if isinstance(v, str) else "boolean" if isinstance(v, bool)
                 else "integer" if isinstance(v, int) else "number" if isinstance(v, float)
                 else "null" if v is None else "object" for v in values}
        return sorted(names) if names else "object"

    @staticmethod
    def _union(types):
        unique = []
        for spark_type in types:
            if spark_type not in unique:
                unique.append(spark_type)
        if len(unique) == 1:
            return unique[0]
        if set(map(type, unique)) == {LongType, DoubleType}:
            return DoubleType()
        if all(isinstance(t, StructType) for t in unique):
            return SchemaConverter._merge(unique)
        return StringType()

    @staticmethod
    def _merge(types):
        structs = [t for t in types if isinstance(t, StructType)]
        if len(structs) != len(types):
            return SchemaConverter._union(types) if len(types) > 1 else types[0]
        fields, seen = [], {}
        for struct in structs:
            for field in struct.fields:
                if field.name in seen:
                    if seen[field.name].dataType != field.dataType:
                        seen[field.name].dataType = StringType()
                    continue
                copy = StructField(field.name, field.dataType, True)
                seen[field.name] = copy
                fields.append(copy)
        return StructType(fields)

    def _follow(self, ref, base):
        file_part, _, pointer = ref.partition("#")
        name = os.path.normpath(os.path.join(os.path.dirname(base), file_part)) if file_part else base
        return self._resolve_pointer(self.document(name), pointer), name

    @staticmethod
    def _resolve_pointer(document, pointer):
        node = document
        for token in [t for t in pointer.split("/") if t]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

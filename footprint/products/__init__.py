"""Products, their bills of materials and process lines, and the ProductSpec built from them."""

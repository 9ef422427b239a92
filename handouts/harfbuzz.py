"""The HarfBuzz functions the build needs that WeasyPrint's bindings lack.

One FFI that shares WeasyPrint's types (its faces, fonts and subset inputs), so
that the build can call HarfBuzz on the very objects Pango shaped with: a
font's character map (text_layer.py), and a subset plan with its glyph map
(font_subsets.py). Loaded with rendering only, from the libraries WeasyPrint
has already loaded.
"""

from __future__ import annotations

import cffi
from weasyprint.text.ffi import ffi as weasyprint_ffi
from weasyprint.text.ffi import harfbuzz_subset as _weasyprint_subset

ffi = cffi.FFI()
ffi.include(weasyprint_ffi)
ffi.cdef("""
    hb_bool_t hb_font_get_nominal_glyph (hb_font_t *font, hb_codepoint_t unicode,
                                         hb_codepoint_t *glyph);
    typedef ... hb_map_t;
    hb_codepoint_t hb_map_get (const hb_map_t *map, hb_codepoint_t key);

    typedef ... hb_subset_plan_t;
    hb_subset_plan_t * hb_subset_plan_create_or_fail (hb_face_t *face,
                                                      const hb_subset_input_t *input);
    void hb_subset_plan_destroy (hb_subset_plan_t *plan);
    hb_face_t * hb_subset_plan_execute_or_fail (hb_subset_plan_t *plan);
    const hb_map_t * hb_subset_plan_old_to_new_glyph_mapping (const hb_subset_plan_t *plan);
""")

harfbuzz = ffi.dlopen("libharfbuzz.so.0")
# None without libharfbuzz-subset, as WeasyPrint has it.
harfbuzz_subset = ffi.dlopen("libharfbuzz-subset.so.0") if _weasyprint_subset else None


def nominal_glyph(hb_font, code_point: int) -> int | None:
    """The glyph the font's character map gives ``code_point``, if any."""
    glyph = ffi.new("hb_codepoint_t *")
    return glyph[0] if harfbuzz.hb_font_get_nominal_glyph(hb_font, code_point, glyph) else None

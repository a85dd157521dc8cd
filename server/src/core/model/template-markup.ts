/**
 * Template markup left in a value (autoconf @X@, Jinja/ERB/Go tags, %%X%%, <PLACEHOLDER>): the file is a template and
 * the real value is unknown until it is rendered. Shared by the nginx and Apache rules.
 */
export const TEMPLATE_MARKUP = /@@?[A-Za-z_][A-Za-z0-9_]*@@?|\{\{|\{%|<%|%%[A-Za-z_]+%%|<[A-Z][A-Z0-9_]*>/;

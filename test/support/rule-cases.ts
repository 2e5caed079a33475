/**
 * User alert texts and rule labels with what Prometheus' rule loader makes of them: accepted, or
 * refused with the checker's message. Annotations and alert labels are Go templates
 * (model/rulefmt/rulefmt.go `testTemplateParsing`); test/promql-promtool.test.ts has promtool
 * referee every case.
 */
export interface RuleCase {
  /** An alert (templated) or a recording rule (labels not templated). */
  readonly alert: boolean;
  readonly summary?: string;
  readonly labels?: Record<string, string>;
  /** The checker's message when refused. */
  readonly error?: RegExp;
}

const tpl = (summary: string, error?: RegExp): RuleCase => ({ alert: true, summary, error });
const alertLabels = (labels: Record<string, string>, error?: RegExp): RuleCase => ({ alert: true, labels, error });
const recordLabels = (labels: Record<string, string>, error?: RegExp): RuleCase => ({ alert: false, labels, error });

export const RULE_CASES: RuleCase[] = [
  tpl('{{ $labels.service }}'),
  tpl('{{ $labels.service', /unclosed action/),
  tpl('{{ $value | humanize }}'),
  tpl('{{ $value | humanizePercentage }} of {{ $labels.job }}'),
  tpl('{{ printf "%.2f" $value }}'),
  tpl('{{ if gt $value 1.0 }}high{{ else }}low{{ end }}'),
  tpl('{{ if gt $value 1.0 }}high{{ else if lt $value 0.5 }}low{{ end }}'),
  tpl('{{ if gt $value 1.0 }}high', /unexpected EOF/),
  tpl('{{ end }}', /unexpected \{\{end\}\}/),
  tpl('{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}'),
  tpl('{{ with $labels.pod }}{{ . }}{{ end }}'),
  tpl('{{ with $labels.pod }}{{ . }}{{ else with $labels.x }}{{ end }}', /unexpected <with> in else/),
  tpl('{{ $foo }}', /undefined variable "\$foo"/),
  tpl('{{ $x := 1 }}{{ $x }}'),
  tpl('{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}', /undefined variable "\$x"/),
  tpl('{{ nosuchfunc $value }}', /function "nosuchfunc" not defined/),
  tpl('{{ now }}', /function "now" not defined/),
  tpl('{{ toDuration $value }}', /function "toDuration" not defined/),
  tpl('{{ urlQueryEscape "a b" }}', /function "urlQueryEscape" not defined/),
  tpl('{{ $labels.team-name }}', /bad character U\+002D '-'/),
  tpl('{{ index $labels "team-name" }}'),
  tpl('{{ $externalLabels.cluster }} {{ $externalURL }}'),
  tpl('{{- $labels.service -}}'),
  tpl('{{/* a comment */}}x'),
  tpl('{{/* unclosed comment }}', /unclosed comment/),
  tpl('{{ "unterminated }}', /unterminated quoted string/),
  tpl('{{ (1 }}', /unclosed left paren/),
  tpl('{{ 1) }}', /unexpected right paren U\+0029 '\)'/),
  tpl('{{ range $labels }}{{ break }}{{ end }}'),
  tpl('{{ break }}', /\{\{break\}\} outside \{\{range\}\}/),
  tpl('{{ . | 1 }}', /non executable command in pipeline stage 2/),
  tpl('{{ "a".b }}', /unexpected \. after term "\\"a\\""/),
  tpl('{{ 1.5e3 }}'),
  tpl('{{ 0x1F }}'),
  tpl('{{ 1_000 }}'),
  tpl('{{ \'a\' }}'),
  tpl('{{ template "x" }}'),
  tpl('{{ define "x" }}hi{{ end }}{{ template "x" . }}'),
  tpl('{{ query "up" | first | value | humanize }}'),
  tpl('{{ $value := 2 }}{{ $value }}'),
  tpl('{{ $y = 1 }}'),
  tpl('{{ else }}', /unexpected \{\{else\}\}/),
  tpl('100%'),
  tpl('{{ humanizeDuration $value }} {{ humanizeTimestamp $value }} {{ toTime $value }}'),
  tpl('{{ "\\q" }}', /invalid syntax/),
  tpl('{{ `raw` }}'),
  tpl('{{ .Labels.service }} {{ .Value }}'),
  tpl('{{ $labels.service }} {{', /unclosed action/),
  tpl('{{}}', /missing value for command/),
  tpl('{{ | }}', /unexpected "\|" in command/),
  tpl('{{ printf "%s" | printf }}'),
  tpl('{{ x }}', /function "x" not defined/),
  tpl('{{ title (toUpper $labels.a) }}'),
  tpl('{{ range $i, $e := $labels }}{{ continue }}{{ end }}'),
  tpl('{{ if }}{{ end }}', /missing value for if/),
  tpl('{{ $labels.a.b.c }}'),
  tpl('{{ $labels. }}', /unexpected <\.> in operand/),
  tpl('{{ printf "%d" 1 2 3 }}'),
  tpl('{{ -1 }} {{ +2 }}'),
  tpl('{{ 1i }}'),
  tpl('{{ nil }}'),
  tpl('{{ block "b" . }}x{{ end }}'),
  tpl('{{ .x | $labels }}'),
  tpl('text {{ "a" -}}   \n  more'),
  tpl('{{ $a, $b := $labels }}', /too many declarations in command/),
  tpl('{{ range $a, $b, $c := $labels }}{{ end }}', /too many declarations in range/), tpl('{{ $labels.service }} is at {{ $value | humanizePercentage }}'),
  tpl('{{ with query "up" }}{{ . | first | value }}{{ end }}'),
  tpl('{{ if }}', /missing value for if/),
  tpl('{{ range $labels }}{{ else }}none{{ end }}'),
  tpl('{{ with $labels.a }}{{ else if $labels.b }}{{ end }}', /unexpected <if> in input/),
  tpl('{{ "a" | printf "%s" | len }}'),
  tpl('{{ $labels.é }}'),
  tpl('{{ $labels.service }}}}'),
  tpl('}}{{', /unclosed action/),

  // Rule labels: names are legacy label names, values templates only on alerts.
  alertLabels({ team: 'platform' }),
  alertLabels({ team_name: 'x', _private: 'y', A1: 'z' }),
  alertLabels({ 'team-name': 'x' }, /not a valid label name/),
  alertLabels({ '0bad': 'x' }, /not a valid label name/),
  alertLabels({ 'app.kubernetes.io/name': 'x' }, /not a valid label name/),
  alertLabels({ __name__: 'x' }, /__name__ is the metric name/),
  alertLabels({ owner: '{{ $labels.team }}' }),
  alertLabels({ owner: '{{ $labels.team' }, /unclosed action/),
  alertLabels({ owner: '' }),
  recordLabels({ team: 'platform' }),
  recordLabels({ 'team-name': 'x' }, /not a valid label name/),
  recordLabels({ team: '{{ $labels.team' }),
  recordLabels({ __name__: 'x' }, /__name__ is the metric name/),
];

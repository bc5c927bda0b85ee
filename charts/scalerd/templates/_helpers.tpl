{{/*
The labels helm's own tooling expects, on every object's metadata (not on pod templates:
a new chart version would roll the pods, and not on selectors, which cannot change).
*/}}
{{- define "scalerd.helmLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}

{{/*
The daemon's objects: the labels deploy/kustomization.yaml gives everything in deploy/.
*/}}
{{- define "scalerd.labels" -}}
app.kubernetes.io/name: scalerd
app.kubernetes.io/part-of: scalerd
{{ include "scalerd.helmLabels" . }}
{{- end }}

{{/*
An image: repository and tag (the chart's appVersion when empty). Argument: the image's values.
*/}}
{{- define "scalerd.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .context.Chart.AppVersion) -}}
{{- end }}

{{/*
The schedule: --set-file schedule=…, or the chart's copy of schedules/example.json.
*/}}
{{- define "scalerd.schedule" -}}
{{- .Values.schedule | default (.Files.Get "files/schedule.json") -}}
{{- end }}

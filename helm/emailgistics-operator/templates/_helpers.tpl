{{/*
Helpers shared by every template. Names follow `helm create`: the chart name, or the release name
when it already contains it, truncated to 63 characters (the DNS label limit).
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "emailgistics-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name: prefix of every object name. */}}
{{- define "emailgistics-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "name-version" as used by the helm.sh/chart label. */}}
{{- define "emailgistics-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels selecting the operator's pods. Never change them: Deployment selectors are immutable. */}}
{{- define "emailgistics-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "emailgistics-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Standard labels of every object. */}}
{{- define "emailgistics-operator.labels" -}}
helm.sh/chart: {{ include "emailgistics-operator.chart" . }}
{{ include "emailgistics-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: emailgistics-webhooks
{{- end }}

{{/* Name of the operator's ServiceAccount (created by the chart or an existing one). */}}
{{- define "emailgistics-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "emailgistics-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Container image reference; the tag defaults to the chart's appVersion. */}}
{{- define "emailgistics-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
Namespaces holding Webhooks and their Secrets, as a JSON array (use with fromJsonArray). There is
no default: the release namespace holds the dispatch token and Helm's release Secrets, so it should
not double as the place where Webhook authors work. `get` rather than `.Values.webhookNamespaces`
because the key is absent by default and strict rendering (helm lint --strict) rejects a missing key.
*/}}
{{- define "emailgistics-operator.webhookNamespaces" -}}
{{- $namespaces := get .Values "webhookNamespaces" }}
{{- if not $namespaces }}
{{- fail "webhookNamespaces is not set: list the namespaces that hold your Webhooks and their Secrets, for example --set 'webhookNamespaces={emailgistics-admin}'. Use a namespace of its own, not the release namespace, which holds the dispatch token." }}
{{- end }}
{{- toJson $namespaces }}
{{- end }}

{{/* Name of the dispatch token Secret: the existing one from values, else the generated one. */}}
{{- define "emailgistics-operator.dispatchTokenSecretName" -}}
{{- if .Values.dispatch.existingTokenSecret.name }}
{{- .Values.dispatch.existingTokenSecret.name }}
{{- else }}
{{- printf "%s-dispatch-token" (include "emailgistics-operator.fullname" .) }}
{{- end }}
{{- end }}

{{/* Key of the token in that Secret. */}}
{{- define "emailgistics-operator.dispatchTokenSecretKey" -}}
{{- if .Values.dispatch.existingTokenSecret.name }}
{{- .Values.dispatch.existingTokenSecret.key }}
{{- else -}}
token
{{- end }}
{{- end }}

{{/* Name of the leader-election Lease. Fixed by the operator (WebhookOperator.LEASE_NAME). */}}
{{- define "emailgistics-operator.leaseName" -}}
emailgistics-webhooks-operator
{{- end }}

{{/* Resource name prefix: release name, or release-chart when the release name does not contain the chart name. */}}
{{- define "crm.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "crm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "crm.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "crm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ include "crm.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: crm
{{- end -}}

{{/* Selector labels of one component (api, mongodb, backup, test). */}}
{{- define "crm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crm.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "crm.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{/* The API image by digest when given, else by the immutable tag; "latest" is refused. */}}
{{- define "crm.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- $tag := include "crm.imageTag" . -}}
{{- if eq $tag "latest" -}}
{{- fail "image.tag must be an immutable tag (the commit SHA) or use image.digest, never latest" -}}
{{- end -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "crm.secretName" -}}
{{- default (printf "%s-credentials" (include "crm.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{- define "crm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (printf "%s-app" (include "crm.fullname" .)) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Restricted-profile container security context shared by MongoDB and the backup job (uid 999 = mongodb). */}}
{{- define "crm.mongoSecurityContext" -}}
runAsNonRoot: true
runAsUser: 999
runAsGroup: 999
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* "true" when the in-cluster MongoDB runs as a replica set (mongodb.architecture: replicaset), else empty. */}}
{{- define "crm.mongoReplicaset" -}}
{{- if and .Values.mongodb.enabled (eq .Values.mongodb.architecture "replicaset") -}}true{{- end -}}
{{- end -}}

{{/* The members' host:port list, comma-separated: each pod's stable name through the headless Service. */}}
{{- define "crm.mongoHosts" -}}
{{- $fullname := include "crm.fullname" . -}}
{{- $hosts := list -}}
{{- range $i := until (int .Values.mongodb.replicaCount) -}}
{{- $hosts = append $hosts (printf "%s-mongodb-%d.%s-mongodb:27017" $fullname $i $fullname) -}}
{{- end -}}
{{- join "," $hosts -}}
{{- end -}}

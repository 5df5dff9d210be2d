variable "name_prefix" {
  description = "Prefix of the role name."
  type        = string
}

variable "oidc_provider_arn" {
  description = "IAM OIDC provider of the EKS cluster (IRSA)."
  type        = string
}

variable "oidc_issuer" {
  description = "OIDC issuer of the cluster without https:// (oidc.eks.<region>.amazonaws.com/id/<id>)."
  type        = string
}

variable "namespace" {
  description = "Namespace of the MongoDB backup CronJob."
  type        = string
  default     = "crm"
}

variable "service_account" {
  description = "Service account of the MongoDB backup CronJob."
  type        = string
  default     = "crm-backup" # the chart's <fullname>-backup
}

variable "bucket_arn" {
  description = "ARN of the backup bucket."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key encrypting the bucket."
  type        = string
}

variable "prefix" {
  description = "Key prefix the role may use."
  type        = string
  default     = "mongodb/"
}

variable "tags" {
  description = "Extra tags."
  type        = map(string)
  default     = {}
}

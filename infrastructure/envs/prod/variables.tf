variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Environment name (tags, resource names)."
  type        = string
  default     = "prod"
}

variable "name" {
  description = "Name of the cluster and prefix of the other resources."
  type        = string
  default     = "crm-prod"
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows get the OIDC roles."
  type        = string
}

variable "github_oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider; null means the one the bootstrap config created in this account."
  type        = string
  default     = null
}

variable "vpc_cidr" {
  description = "VPC CIDR (seed: 10.0.0.0/16)."
  type        = string
  default     = "10.0.0.0/16"
}

# Three zones: one MongoDB member per zone (hard zone spread) on one node per zone, and a zone's loss leaves two.
variable "az_count" {
  description = "Availability zones to span (2 or 3); one node group per zone."
  type        = number
  default     = 3
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway (seed's cost choice, ~$33/month each) instead of one per AZ (survives an AZ outage)."
  type        = bool
  default     = true
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version. 1.35 is in standard support until 27 March 2027; the seed's 1.28 can no longer be created."
  type        = string
  default     = "1.35"
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public Kubernetes API endpoint (operator workstations; CI never calls the API)."
  type        = list(string)
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles/users given cluster-admin through access entries (include the role that runs terraform apply)."
  type        = list(string)
  default     = []
}

# Capacity (docs/infrastructure.md, "Capacity"): per zone one t3a.large (~7.3 GiB and 35 pods allocatable) holds
# the steady state (~11-14 GiB requests over three zones) plus a rolling surge; the Cluster Autoscaler adds nodes up
# to the max. Plain literals: checks parse these defaults.
variable "node_instance_type" {
  description = "Instance type of every node group."
  type        = string
  default     = "t3a.large"
}

variable "nodes_per_zone_min" {
  description = "Minimum nodes per availability zone."
  type        = number
  default     = 1
}

variable "nodes_per_zone_desired" {
  description = "Nodes per availability zone at creation (the Cluster Autoscaler adjusts it later)."
  type        = number
  default     = 1
}

variable "nodes_per_zone_max" {
  description = "Maximum nodes per availability zone (the Cluster Autoscaler's ceiling)."
  type        = number
  default     = 3
}

variable "app_namespace" {
  description = "Namespace of the application (backup service account)."
  type        = string
  default     = "crm"
}

variable "backup_service_account" {
  description = "Service account of the MongoDB backup CronJob (the chart names it <release fullname>-backup)."
  type        = string
  default     = "crm-backup"
}

variable "bootstrap_name_prefix" {
  description = "name_prefix of the bootstrap config: the backup bucket crm-backups-<account>-<region> and key alias/crm-backups are found by it."
  type        = string
  default     = "crm"
}
